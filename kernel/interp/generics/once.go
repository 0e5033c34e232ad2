package generics

import (
	"fmt"
	"reflect"
	"sync"
)

// Symbols returns the interpreter symbols this package adds to the
// standard library's compiled packages: sync.OnceFunc as it is, and
// non-generic stand-ins for sync.OnceValue and sync.OnceValues. The
// stand-ins take and return `any`; kernel/interp/cell adds the type assertion
// back where the function literal shows the type.
func Symbols() map[string]map[string]reflect.Value {
	return map[string]map[string]reflect.Value{
		"sync/sync": {
			"OnceFunc":   reflect.ValueOf(sync.OnceFunc),
			"OnceValue":  reflect.ValueOf(OnceValue),
			"OnceValues": reflect.ValueOf(OnceValues),
		},
	}
}

// OnceValue is sync.OnceValue for a function f of type func() T passed as
// `any`: it returns a function of the same type that calls f only once and
// returns its result every time; if f panics, every call panics so.
func OnceValue(f any) any { return once("sync.OnceValue", f, 1) }

// OnceValues is OnceValue for a function of type func() (T1, T2).
func OnceValues(f any) any { return once("sync.OnceValues", f, 2) }

func once(name string, f any, results int) any {
	fv := reflect.ValueOf(f)
	if fv.Kind() != reflect.Func || fv.Type().NumIn() != 0 || fv.Type().NumOut() != results || fv.IsNil() {
		panic(fmt.Sprintf("%s: want a non-nil function of no arguments and %d result(s), got %T", name, results, f))
	}
	var (
		do      sync.Once
		values  []reflect.Value
		failure any
		failed  bool
	)
	return reflect.MakeFunc(fv.Type(), func([]reflect.Value) []reflect.Value {
		do.Do(func() {
			failed = true
			defer func() {
				if failed {
					failure = recover()
				}
			}()
			values = fv.Call(nil)
			failed = false
		})
		if failed {
			panic(failure)
		}
		return values
	}).Interface()
}
