// golab:expect exact
// Map insert, update, delete, lookup with ok, len, and clear.
package main

import (
	"fmt"
	"maps"
	"slices"
)

func main() {
	stock := map[string]int{"apple": 5, "pear": 2}
	stock["plum"] = 7
	stock["apple"]--
	delete(stock, "pear")
	n, ok := stock["pear"]
	fmt.Println(n, ok, len(stock))
	keys := slices.Sorted(maps.Keys(stock))
	fmt.Println(keys)
	for _, k := range keys {
		fmt.Println(k, stock[k])
	}
	fmt.Println(stock)
	clear(stock)
	fmt.Println(len(stock), stock)
}
