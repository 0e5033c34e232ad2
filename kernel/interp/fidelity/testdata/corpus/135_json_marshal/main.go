// golab:expect exact
// encoding/json with struct tags: marshal and unmarshal a struct.
package main

import (
	"encoding/json"
	"fmt"
)

type Item struct {
	Name  string   `json:"name"`
	Price float64  `json:"price"`
	Tags  []string `json:"tags,omitempty"`
}

func main() {
	b, err := json.Marshal(Item{Name: "pen", Price: 1.5})
	fmt.Println(string(b), err)
	var it Item
	err = json.Unmarshal([]byte(`{"name":"cup","price":3,"tags":["kitchen"]}`), &it)
	fmt.Println(it.Name, it.Price, it.Tags, err)
	m := map[string]int{"b": 2, "a": 1}
	b, _ = json.Marshal(m)
	fmt.Println(string(b))
}
