package api

import "encoding/json"

// Optional is a PATCH field that can be absent (keep), null (clear) or set.
type Optional[T any] struct {
	Set   bool
	Value *T
}

// UnmarshalJSON marks the field as sent; null leaves Value nil.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Value = &v
	return nil
}

// ptrPtr turns a sent Optional into the models' "pointer to new value".
func (o Optional[T]) ptrPtr() **T {
	if !o.Set {
		return nil
	}
	v := o.Value
	return &v
}
