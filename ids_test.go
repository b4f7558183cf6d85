package sentinel_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

// Every id parameter takes the resource's name or its full ARM resource ID in the client's
// workspace (inc.ID as well as inc.Name); an ID of another workspace or resource type is an
// *ArgumentError naming the parameter, before any request.
func TestIDsAcceptNamesAndResourceIDs(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	inc, err := env.client.CreateIncident(ctx, sentinel.IncidentProperties{Title: "t", Severity: sentinel.SeverityLow, Status: sentinel.IncidentStatusNew}, nil)
	require.NoError(t, err)
	comment, err := env.client.CreateComment(ctx, inc.ID, "hello", nil)
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(strings.ToLower(comment.ID), "/comments/"+strings.ToLower(comment.Name)), comment.ID)

	// The full IDs the service wrote work in place of the names, and the wire path carries
	// the names.
	env.srv.ResetRequests()
	got, err := env.client.GetIncident(ctx, inc.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, inc.Name, got.Name)
	c, err := env.client.GetComment(ctx, inc.ID, comment.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, "hello", c.Message)
	// Lower-cased and upper-cased IDs name the same resource (ARM paths ignore case).
	_, err = env.client.GetIncident(ctx, strings.ToLower(inc.ID[:strings.LastIndex(inc.ID, "/")])+inc.ID[strings.LastIndex(inc.ID, "/"):], nil)
	require.NoError(t, err)
	_, err = env.client.UpdateIncident(ctx, inc.ID, sentinel.IncidentUpdate{AddLabels: []string{"x"}}, nil)
	require.NoError(t, err)
	for _, r := range env.srv.Requests() {
		assert.True(t, strings.HasSuffix(r.Path, "/incidents/"+inc.Name) || strings.HasSuffix(r.Path, "/incidents/"+inc.Name+"/comments/"+comment.Name), r.Path)
	}

	otherWorkspace := strings.Replace(inc.ID, "/workspaces/", "/workspaces/other-", 1)
	otherType := strings.Replace(inc.ID, "/Incidents/", "/Bookmarks/", 1)
	nested := inc.ID + "/Comments/" + comment.Name
	env.srv.ResetRequests()
	for name, tc := range map[string]struct {
		arg string
		run func() error
	}{
		"another workspace": {"id", func() error { _, err := env.client.GetIncident(ctx, otherWorkspace, nil); return err }},
		"another type":      {"id", func() error { _, err := env.client.GetIncident(ctx, otherType, nil); return err }},
		"a child resource":  {"id", func() error { _, err := env.client.GetIncident(ctx, nested, nil); return err }},
		"a comment of another incident": {"commentID", func() error {
			_, err := env.client.GetComment(ctx, inc.Name, strings.Replace(nested, inc.Name, "other", 1), nil)
			return err
		}},
		"a rule ID as an incident": {"incidentID", func() error {
			_, err := env.client.ListComments(strings.Replace(inc.ID, "/Incidents/", "/alertRules/", 1), nil).Collect(ctx, 0)
			return err
		}},
		"a workspace ID alone": {"alias", func() error {
			_, err := env.client.GetWatchlist(ctx, "/subscriptions/"+env.srv.Workspace().SubscriptionID, nil)
			return err
		}},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.run()
			var ae *sentinel.ArgumentError
			require.True(t, errors.As(err, &ae), "%v", err)
			assert.Equal(t, tc.arg, ae.Name)
		})
	}
	assert.Empty(t, env.srv.Requests(), "no request for a rejected ID")
}
