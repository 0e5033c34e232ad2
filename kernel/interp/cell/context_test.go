package cell

// testContext is a Context made of a test's answers; a nil function
// answers no (or "", or 0).
type testContext struct {
	isInt, isWaitGroup, isMethod, isType, isGenericFunc func(name string) bool
	declaresValue, isVariable                           func(name string) bool
	declarations                                        []string
	resultType                                          func(fn string) string
	sources                                             func() Sources
	lockSite                                            func(line int, fn, call string) int
	off                                                 map[string]bool // the feature passes turned off
}

// withoutSafePoints is the empty context with the safe-points pass off:
// the tests of other passes read more easily without a stop test in every
// function and loop.
var withoutSafePoints = testContext{off: map[string]bool{"safe-points": true}}

func ask(f func(string) bool, name string) bool { return f != nil && f(name) }

func (c testContext) IsInt(name string) bool         { return ask(c.isInt, name) }
func (c testContext) IsWaitGroup(name string) bool   { return ask(c.isWaitGroup, name) }
func (c testContext) IsMethod(name string) bool      { return ask(c.isMethod, name) }
func (c testContext) Declarations() []string         { return c.declarations }
func (c testContext) DeclaresValue(name string) bool { return ask(c.declaresValue, name) }
func (c testContext) IsVariable(name string) bool    { return ask(c.isVariable, name) }

func (c testContext) TypeDecl(name string) string {
	if ask(c.isType, name) {
		return "type " + name + " int"
	}
	return ""
}
func (c testContext) IsGenericFunc(name string) bool { return ask(c.isGenericFunc, name) }

func (c testContext) ResultType(fn string) string {
	if c.resultType == nil {
		return ""
	}
	return c.resultType(fn)
}

func (c testContext) Sources() Sources {
	if c.sources == nil {
		return Sources{}
	}
	return c.sources()
}

func (c testContext) PassOff(name string) bool { return c.off[name] }

func (c testContext) LockSite(line int, fn, call string) int {
	if c.lockSite == nil {
		return 0
	}
	return c.lockSite(line, fn, call)
}
