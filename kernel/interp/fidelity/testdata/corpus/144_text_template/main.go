// golab:expect exact
// text/template with a range over a slice of structs.
package main

import (
	"os"
	"text/template"
)

type Task struct {
	Title string
	Done  bool
}

func main() {
	tmpl := template.Must(template.New("list").Parse(
		"{{range $i, $t := .}}{{$i}}. {{$t.Title}}{{if $t.Done}} (done){{end}}\n{{end}}"))
	tasks := []Task{{"write", true}, {"test", false}}
	if err := tmpl.Execute(os.Stdout, tasks); err != nil {
		panic(err)
	}
}
