// golab:expect exact
// A type switch over several dynamic types, including a user type and nil.
package main

import "fmt"

type celsius float64

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int:
		return fmt.Sprintf("int %d", x)
	case string:
		return "string of length " + fmt.Sprint(len(x))
	case []int:
		return fmt.Sprintf("slice of %d ints", len(x))
	case celsius:
		return fmt.Sprintf("%.1f degrees", float64(x))
	case error:
		return "error " + x.Error()
	default:
		return fmt.Sprintf("other %T", x)
	}
}

func main() {
	for _, v := range []any{nil, 7, "hey", []int{1, 2}, celsius(21.5), fmt.Errorf("bad"), 2.5} {
		fmt.Println(describe(v))
	}
}
