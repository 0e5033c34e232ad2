package cell

// Context is what this package needs to know of the notebook so far, which
// a cell's own syntax cannot show: what earlier cells (and the earlier
// pieces of the cell being run) defined, and their types. The worker
// implements it from its interpreter's state; Compile, the rewrite passes
// and ReplayDecls ask it. A nil Context is a notebook with nothing in it
// yet.
type Context interface {
	// IsInt reports whether a name is an integer variable or constant, so
	// that `for i := range n` can be told apart from ranging over a slice.
	IsInt(name string) bool
	// IsWaitGroup reports whether a name is a sync.WaitGroup variable (or
	// a pointer to one), so that wg.Go is told apart from other Go methods.
	IsWaitGroup(name string) bool
	// IsMethod reports whether an earlier cell declared a method of that
	// name, on any type (see boundReceiver).
	IsMethod(name string) bool
	// TypeDecl returns the declaration of a type an earlier cell declared
	// (a call of it is a conversion), as written, or "" for no such type.
	TypeDecl(name string) string
	// IsGenericFunc reports whether an earlier cell declared a generic
	// function of that name.
	IsGenericFunc(name string) bool
	// ResultType returns the result type of a function an earlier cell
	// declared, as source text, or "" when unknown.
	ResultType(fn string) string
	// Declarations returns the earlier cells' declarations, as written.
	Declarations() []string
	// Sources tells go/types what the earlier cells declared, for it to
	// tell the type of an expression the syntax does not show (see
	// typeOf). It is called at most once per rewrite, and only when needed.
	Sources() Sources
	// LockSite numbers a place where code calls Lock or RLock: its line,
	// the function declared around it ("Transfer", "Box.Move", or "" for a
	// cell's statements) and the call as written; each such call reports
	// its number first (see lockSite). 0 leaves the call as it is.
	LockSite(line int, fn, call string) int
	// DeclaresValue reports whether an earlier cell declared a variable,
	// constant or function of that name: one named like a builtin (a
	// learner's own max) hides the builtin, which is then not rewritten.
	DeclaresValue(name string) bool
	// IsVariable reports whether an earlier cell declared a package-level
	// variable of that name (with var, or := among its statements).
	IsVariable(name string) bool
	// PassOff reports whether a feature pass (see Passes) is turned off for
	// the notebook: a benchmark turns one off to measure what it costs.
	PassOff(name string) bool
}

// Sources is what the earlier cells declared, as source.
type Sources struct {
	// Imports are the notebook's imports, each as written in an import
	// declaration: `"fmt"`, `r "math/rand"`.
	Imports []string
	// Decls are the declarations of earlier cells, and `var name T` for
	// the variables their statements made.
	Decls []string
}

// emptyContext is the Context of a notebook with nothing in it yet.
type emptyContext struct{}

func (emptyContext) IsInt(string) bool                { return false }
func (emptyContext) IsWaitGroup(string) bool          { return false }
func (emptyContext) IsMethod(string) bool             { return false }
func (emptyContext) TypeDecl(string) string           { return "" }
func (emptyContext) Declarations() []string           { return nil }
func (emptyContext) IsGenericFunc(string) bool        { return false }
func (emptyContext) ResultType(string) string         { return "" }
func (emptyContext) Sources() Sources                 { return Sources{} }
func (emptyContext) LockSite(int, string, string) int { return 0 }
func (emptyContext) PassOff(string) bool              { return false }
func (emptyContext) DeclaresValue(string) bool        { return false }
func (emptyContext) IsVariable(string) bool           { return false }

// orEmpty returns ctx, or the empty Context for nil.
func orEmpty(ctx Context) Context {
	if ctx == nil {
		return emptyContext{}
	}
	return ctx
}
