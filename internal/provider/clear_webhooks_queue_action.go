package provider

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/action/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/validators"
)

var _ action.ActionWithConfigure = (*clearWebhooksQueueAction)(nil)

// defaultClearTimeout covers one refusal of clearWebhooksQueue (up to a minute to wait, D16) and the retry.
const defaultClearTimeout = 2 * time.Minute

// NewClearWebhooksQueueAction returns the greenwaba_clear_webhooks_queue action.
func NewClearWebhooksQueueAction() action.Action { return &clearWebhooksQueueAction{} }

type clearWebhooksQueueAction struct {
	data *providerData
	// sleep waits d or until ctx ends; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
}

type clearWebhooksQueueModel struct {
	IDInstance types.Number   `tfsdk:"id_instance"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

func (a *clearWebhooksQueueAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_clear_webhooks_queue"
}

func (a *clearWebhooksQueueAction) Schema(ctx context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Empties an account's notification queue (`clearWebhooksQueue`), for instance after " +
			"it switched to push delivery and the notifications left in the queue will never be read " +
			"(Terraform 1.14 and later).\n\n" +
			"GreenWaba clears a queue at most once a minute. When it refuses because the queue was cleared less " +
			"than a minute ago, the action waits the time GreenWaba says is left and tries again, within " +
			"`timeouts.invoke`; if that time is not enough it fails and says how long is left. Running the action " +
			"twice leaves the queue empty either way. Nothing is stored in the state.",
		Attributes: map[string]schema.Attribute{
			"id_instance": schema.NumberAttribute{
				MarkdownDescription: "The account (`idInstance`) whose queue to clear. Defaults to the provider's " +
					"`id_instance`; any other account needs its token in the provider's `instance_tokens`.",
				Optional:   true,
				Validators: []validator.Number{validators.WholeNumber(1, math.MaxInt64)},
			},
			"timeouts": timeouts.AttributesWithOpts(ctx, timeouts.Opts{
				InvokeDescription: "How long the action may take, waits for GreenWaba's once-a-minute limit " +
					"included, as a duration such as `\"5m\"`. Defaults to `\"" + durationString(defaultClearTimeout) + "\"`.",
			}),
		},
	}
}

func (a *clearWebhooksQueueAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data, resp.Diagnostics = providerDataFrom(req.ProviderData)
}

func (a *clearWebhooksQueueAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg clearWebhooksQueueModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.data == nil {
		resp.Diagnostics.Append(notConfigured("the greenwaba_clear_webhooks_queue action"))
		return
	}
	timeout, diags := cfg.Timeouts.Invoke(ctx, defaultClearTimeout)
	resp.Diagnostics.Append(diags...)
	client, id, diags := a.data.ClientFor(int64Of(cfg.IDInstance))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	progress := func(msg string) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: msg})
		}
	}
	sleep := a.sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	progress(fmt.Sprintf("Clearing the notification queue of GreenWaba instance %d", id))
	left, err := clearQueue(ctx, client, sleep, func(wait time.Duration) {
		progress(fmt.Sprintf("GreenWaba cleared the queue of instance %d less than a minute ago; trying again in %s",
			id, durationString(wait)))
	})
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Cannot clear the notification queue", a.data.explain(err, id))
	case left > 0:
		resp.Diagnostics.AddError("Notification queue not cleared",
			fmt.Sprintf("GreenWaba clears a queue at most once a minute, and the queue of instance %d was cleared "+
				"less than a minute ago: it can be cleared again in %s, after this action's timeout of %s. Run the "+
				"action again then, or give it a longer timeouts.invoke.", id, durationString(left), durationString(timeout)))
	default:
		progress(fmt.Sprintf("Cleared the notification queue of GreenWaba instance %d", id))
	}
}

// clearQueue clears the client's account's queue. Refused by the once-a-minute limit (D16), it waits the time
// GreenWaba says is left (after telling waiting) and tries again, while ctx's deadline leaves time for it. It
// returns the time left when the deadline does not, else 0; an interruption while waiting is ctx's error.
func clearQueue(ctx context.Context, client *greenwaba.Client, sleep func(context.Context, time.Duration) error, waiting func(time.Duration)) (time.Duration, error) {
	for {
		res, err := client.ClearWebhooksQueue(ctx)
		if err != nil || res.Cleared {
			return 0, err
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < res.Left {
			return res.Left, nil
		}
		waiting(res.Left)
		if err := sleep(ctx, res.Left); err != nil {
			return 0, err // interrupted
		}
	}
}

// sleepCtx waits d, or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
