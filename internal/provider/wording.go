package provider

import (
	"strconv"
	"strings"
)

// Small helpers for the provider's messages.

// joinNames lists attribute names for a message: "a", "a and b".
func joinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func isOrAre(names []string) string {
	if len(names) == 1 {
		return "is"
	}
	return "are"
}

// forInstance is " instance N" for a known account and "" before the account is known.
func forInstance(id int64) string {
	if id == 0 {
		return ""
	}
	return " instance " + strconv.FormatInt(id, 10)
}
