package greenwaba

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Converge brings the account to want, the one operation a settings change
// needs. While the account is starting (an earlier write's reboot, D7) it
// waits, asking getStateInstance at the account's pace, so that a write
// still being applied is neither read as drift nor written again; when ctx
// ends first it returns a *StillApplyingError and writes nothing. Then it
// reads the live settings and writes all of want only when something
// differs, or when resend is set; every write reboots the account, so an
// account already as wanted gets none. Last it waits until GetSettings shows
// want (WaitForSettings).
func (c *Client) Converge(ctx context.Context, want SettingsUpdate, resend bool) error {
	if err := c.awaitStarted(ctx); err != nil {
		return err
	}
	live, err := c.GetSettings(ctx)
	if err != nil {
		return err
	}
	changed := want.Diff(live)
	if len(changed) == 0 && !resend {
		if c.log != nil {
			c.log(ctx, LogDebug, "GreenWaba settings already as wanted; nothing written", map[string]any{"id_instance": strconv.FormatInt(c.id, 10)})
		}
		return nil
	}
	if c.log != nil {
		c.log(ctx, LogInfo, "Writing GreenWaba settings", map[string]any{
			"id_instance": strconv.FormatInt(c.id, 10), "fields": strings.Join(changed, ","), "resend": resend})
	}
	if err := c.SetSettings(ctx, want); err != nil {
		return err
	}
	_, err = c.WaitForSettings(ctx, live, want)
	return err
}

// awaitStarted returns once getStateInstance says something other than
// "starting", or a *StillApplyingError when ctx ends before.
func (c *Client) awaitStarted(ctx context.Context) error {
	start := c.clock.now()
	starting := false
	for {
		state, err := c.stateInstance(ctx)
		switch {
		case err == nil && state != "starting":
			return nil
		case err == nil:
			starting = true
			if c.log != nil {
				c.log(ctx, LogDebug, "GreenWaba account still applying an earlier write", map[string]any{
					"greenwaba_method": "getStateInstance"})
			}
		case starting && isContextErr(err) && !timedOut(err):
			return &StillApplyingError{IDInstance: c.id, Waited: c.clock.now().Sub(start), Err: err}
		default:
			return err
		}
	}
}

// StillApplyingError is returned by Converge when its context ended while
// the account was still starting after an earlier settings write (D7): no
// new write was sent.
type StillApplyingError struct {
	IDInstance int64
	Waited     time.Duration
	Err        error // the call the context ended
}

func (e *StillApplyingError) Error() string {
	return fmt.Sprintf("GreenWaba instance %d was still applying an earlier settings write (stateInstance starting) after %s; no new write was sent",
		e.IDInstance, e.Waited.Round(time.Millisecond))
}

// Unwrap exposes the context's error to errors.Is.
func (e *StillApplyingError) Unwrap() error { return e.Err }
