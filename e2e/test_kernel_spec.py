"""The Jupyter project's own kernel conformance suite, with every sample set."""

import unittest

import jupyter_kernel_test


class GolabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "golab"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'import "fmt"\nfmt.Println("hello, world")'
    code_stderr = 'import ("fmt"; "os")\nfmt.Fprintln(os.Stderr, "to stderr")'

    completion_samples = [
        {"text": "fmt.Print", "matches": {"Print", "Printf", "Println"}},
        {"text": "strings.ToUp", "matches": {"ToUpper", "ToUpperSpecial"}},
    ]
    complete_code_samples = ["x := 1", "func f() int { return 1 }", "fmt.Println(1)"]
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {", "x := []int{1,"]
    invalid_code_samples = ["x := )", "}", "func ("[:4] + ")"]

    code_page_something = "?fmt.Println"
    code_generate_error = 'panic("on purpose")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"go" + "lab"', "result": '"golab"'},
        {"code": "len([]int{1, 2, 3})", "result": "3"},
    ]
    code_display_data = [
        {"code": 'import "golab/display"\ndisplay.HTML("<b>bold</b>")', "mime": "text/html"},
        {"code": 'import "golab/display"\ndisplay.SVG("<svg xmlns=\'http://www.w3.org/2000/svg\'/>")', "mime": "image/svg+xml"},
        {"code": 'import "golab/display"\ndisplay.Markdown("# title")', "mime": "text/markdown"},
    ]
    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "fmt.Println"
    code_clear_output = 'import "golab/display"\ndisplay.Clear(false)'


if __name__ == "__main__":
    unittest.main()
