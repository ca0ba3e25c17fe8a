package sqlite

// The rollup encoding, for the tests of package sqlite_test.
var (
	EncodeRollup = encodeRollup
	DecodeRollup = decodeRollup
)
