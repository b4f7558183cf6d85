package sentinel_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
)

// TestVocabulary checks the naming rules of README's API section on every method of
// sentinel.Client and defender.Client, by reflection, so that a method added later follows
// them or fails here:
//   - List* (and QueryIndicators, a POST search) takes no context and returns one *Pager[T];
//   - every other method takes a context.Context first;
//   - the last parameter is *<Method>Options, a struct type;
//   - Get* returns a value (or an interface) and an error, never a pointer or a slice;
//   - a method's name starts with one of the verbs of the vocabulary.
func TestVocabulary(t *testing.T) {
	for _, ct := range []reflect.Type{reflect.TypeFor[*sentinel.Client](), reflect.TypeFor[*defender.Client]()} {
		t.Run(ct.String(), func(t *testing.T) { checkVocabulary(t, ct) })
	}
}

func checkVocabulary(t *testing.T, ct reflect.Type) {
	verbs := []string{"List", "Get", "Create", "Update", "CreateOrUpdate", "Delete",
		"Close", "Assign", "Set", "Add", "Remove", "Complete", "Append", "Replace", "Query",
		"Run", "New"}
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	for i := range ct.NumMethod() {
		m := ct.Method(i)
		t.Run(m.Name, func(t *testing.T) {
			ft := m.Type // receiver is In(0)
			hasVerb := false
			for _, v := range verbs {
				if strings.HasPrefix(m.Name, v) {
					hasVerb = true
				}
			}
			assert.True(t, hasVerb, "%s starts with none of the vocabulary's verbs", m.Name)

			if strings.HasPrefix(m.Name, "New") || m.Name == "Query" {
				return // constructors of other values (NewIncidentWatcher) and Query's own shape
			}
			last := ft.In(ft.NumIn() - 1)
			if assert.Equal(t, reflect.Pointer, last.Kind(), "%s: the last parameter is an options pointer", m.Name) {
				assert.Equal(t, m.Name+"Options", last.Elem().Name(), "%s: one options struct per method", m.Name)
				assert.Equal(t, reflect.Struct, last.Elem().Kind())
			}
			if strings.HasPrefix(m.Name, "List") || m.Name == "QueryIndicators" {
				for j := 1; j < ft.NumIn(); j++ {
					assert.NotEqual(t, ctxType, ft.In(j), "%s: a List method sends nothing, so it takes no context", m.Name)
				}
				if assert.Equal(t, 1, ft.NumOut(), m.Name) {
					out := ft.Out(0)
					assert.True(t, out.Kind() == reflect.Pointer && strings.HasPrefix(out.Elem().Name(), "Pager["), "%s returns %s, not a *Pager", m.Name, out)
				}
				return
			}
			if assert.GreaterOrEqual(t, ft.NumIn(), 2, m.Name) {
				assert.Equal(t, ctxType, ft.In(1), "%s: context first", m.Name)
			}
			assert.Equal(t, errType, ft.Out(ft.NumOut()-1), "%s: the error comes last", m.Name)
			if strings.HasPrefix(m.Name, "Get") && ft.NumOut() == 2 {
				k := ft.Out(0).Kind()
				assert.NotEqual(t, reflect.Pointer, k, "%s returns a value, not a pointer", m.Name)
			}
		})
	}
}
