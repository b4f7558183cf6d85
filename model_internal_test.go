package sentinel

import (
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A family whose discriminator is not the ARM "kind" and whose members are not resources,
// like automation-rule conditions: the registry must decode, encode and keep unknown kinds.

type testShape string

type testShapeIface interface{ Kind() testShape }

type testCircle struct {
	ShapeType string         `json:"shapeType"`
	Radius    float64        `json:"radius"`
	Unknown   jsontext.Value `json:",embed"`
}

func (*testCircle) Kind() testShape { return "Circle" }

type testSquare struct {
	ShapeType string         `json:"shapeType"`
	Side      float64        `json:"side"`
	Unknown   jsontext.Value `json:",embed"`
}

func (*testSquare) Kind() testShape { return "Square" }

var testShapes = newFamilyOn[testShape, testShapeIface]("shapeType", "shape", false,
	func() testShapeIface { return new(testCircle) }, func() testShapeIface { return new(testSquare) })

type testDrawing struct {
	Shapes  []testShapeIface `json:"shapes"`
	Unknown jsontext.Value   `json:",embed"`
}

func TestFamilyOnOtherDiscriminator(t *testing.T) {
	in := `{"shapes":[{"shapeType":"Circle","radius":2,"color":"red"},{"shapeType":"Triangle","sides":[3,4,5]},{"side":1,"shapeType":"Square"}],"title":"x"}`
	var d testDrawing
	require.NoError(t, json.Unmarshal([]byte(in), &d, decodeOptions))
	require.Len(t, d.Shapes, 3)
	c, ok := d.Shapes[0].(*testCircle)
	require.True(t, ok, "%T", d.Shapes[0])
	assert.Equal(t, 2.0, c.Radius)
	assert.JSONEq(t, `{"color":"red"}`, string(c.Unknown))
	u, ok := d.Shapes[1].(*Unknown[testShape])
	require.True(t, ok, "%T", d.Shapes[1])
	assert.Equal(t, testShape("Triangle"), u.Kind())
	assert.NoError(t, u.DecodeError())
	assert.IsType(t, &testSquare{}, d.Shapes[2])

	out, err := json.Marshal(&d, encodeOptions)
	require.NoError(t, err)
	assert.JSONEq(t, in, string(out))
	assert.Contains(t, string(out), `{"shapeType":"Triangle","sides":[3,4,5]}`, "the unknown kind is sent byte for byte")

	// A typed kind built in Go gets its discriminator; a wrong one is refused.
	out, err = json.Marshal(testDrawing{Shapes: []testShapeIface{&testSquare{Side: 3}}}, encodeOptions)
	require.NoError(t, err)
	assert.JSONEq(t, `{"shapes":[{"shapeType":"Square","side":3}]}`, string(out))
	_, err = json.Marshal(testDrawing{Shapes: []testShapeIface{&testSquare{ShapeType: "Circle"}}}, encodeOptions)
	assert.ErrorContains(t, err, `cannot have kind "Circle"`)
	_ = testShapes
}
