package provider

import (
	"math/big"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Integers where they leave Go: in Number attributes and in log fields.

// Attributes that stand for integers (id_instance, receive_timeout) are Number attributes checked by
// validators.WholeNumber, so that 5.5 gets a message naming the attribute instead of the framework's Int64
// conversion error. Terraform's type is number either way, so states are unchanged. These convert them.

// int64Of is n, which has passed validators.WholeNumber, as an Int64; null and unknown stay so.
func int64Of(n types.Number) types.Int64 {
	switch {
	case n.IsNull():
		return types.Int64Null()
	case n.IsUnknown():
		return types.Int64Unknown()
	}
	i, _ := n.ValueBigFloat().Int64()
	return types.Int64Value(i)
}

// numberOf is i as a Number; null and unknown stay so.
func numberOf(i types.Int64) types.Number {
	switch {
	case i.IsNull():
		return types.NumberNull()
	case i.IsUnknown():
		return types.NumberUnknown()
	}
	return types.NumberValue(new(big.Float).SetInt64(i.ValueInt64()))
}

// logInt is i as a log field. Terraform reads a provider's log fields back from JSON as float64 and prints
// 1101000001 as 1.101000001e+09 under TF_LOG, so integers such as ids go as decimal strings.
func logInt(i int64) string { return strconv.FormatInt(i, 10) }
