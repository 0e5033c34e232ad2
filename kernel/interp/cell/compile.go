package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
)

// Compiled is a cell parsed and planned for the interpreter. Compile makes
// it; the worker checks it against the notebook (a changed type, a name
// nobody defined), then evaluates its Steps in order, rewriting each one
// (RewriteDecls, RewriteStmts) with the notebook's Context as it stands
// when the step runs: a statement may use a variable the step before it
// declared.
type Compiled struct {
	// Source is the cell as it runs: its own text, with type arguments
	// written out where the interpreter cannot infer them (see
	// ExplicitTypeArgs). Lines and columns are the cell's.
	Source string
	Plan   *Plan
	// Unsupported lists what golab refuses to run, in source order: the
	// cell must not run unless it is empty.
	Unsupported []Unsupported
	// Caveats are code the interpreter may run differently from Go, to
	// note before the cell runs (see FindCaveats).
	Caveats []Unsupported

	ctx Context
}

// Compile parses a cell and plans its evaluation against the notebook so
// far (ctx; nil for an empty notebook). Syntax errors come back as an
// ErrorList whose positions are cell lines and columns.
func Compile(src string, ctx Context) (*Compiled, error) {
	ctx = orEmpty(ctx)
	plan, err := SplitIn(src, ctx.IsVariable)
	if err != nil {
		return nil, err
	}
	if explicit := ExplicitTypeArgs(src, plan, ctx.Declarations()); explicit != src {
		src = explicit
		if plan, err = SplitIn(src, ctx.IsVariable); err != nil {
			return nil, err
		}
	}
	pieces := piecesOf(plan)
	return &Compiled{
		Source:      src,
		Plan:        plan,
		Unsupported: findUnsupported(pieces),
		Caveats:     findCaveats(pieces, declaredOverBasic(plan, ctx)),
		ctx:         ctx,
	}, nil
}

// declaredOverBasic reports, for a type name the cell or an earlier one
// declares, whether its underlying type is not a struct or interface: the
// interpreter cannot tell its values from the underlying type's.
func declaredOverBasic(plan *Plan, ctx Context) func(string) bool {
	return func(name string) bool {
		src := ""
		for _, d := range plan.Defined {
			if d.Kind == Type && d.Name == name {
				src = d.Source
			}
		}
		if src == "" {
			src = ctx.TypeDecl(name)
		}
		if src == "" {
			return false
		}
		file, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, 0)
		if err != nil {
			return false
		}
		for _, decl := range file.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				if ts, ok := spec.(*ast.TypeSpec); ok && ts.Name.Name == name && !ts.Assign.IsValid() {
					switch ts.Type.(type) {
					case *ast.StructType, *ast.InterfaceType:
						return false
					}
					return true
				}
			}
		}
		return false
	}
}

// StepKind says what a Step evaluates.
type StepKind int

const (
	// ImportStep imports the cell's packages (Plan.ImportSpecs).
	ImportStep StepKind = iota
	// DeclStep evaluates the cell's declarations (Step.Source, to rewrite
	// with RewriteDecls); the worker records them before the next step.
	DeclStep
	// DefineStep runs a top-level definition from a call of a generic
	// function inside a function literal, then declares its variables
	// (Step.Piece; see SplitTopDefines and DefineInFunction).
	DefineStep
	// StmtStep evaluates statements (Step.Source, to rewrite with
	// RewriteStmts).
	StmtStep
	// TrailingStep evaluates the trailing expression, whose value the cell
	// shows (Step.Source).
	TrailingStep
)

// Step is one evaluation of a cell.
type Step struct {
	Kind   StepKind
	Source string    // DeclStep, StmtStep, TrailingStep: in cell positions
	Piece  StmtPiece // DefineStep
}

// Steps is the evaluation of a cell, in order.
type Steps struct {
	// Declare imports and declares: a failure ends the cell at once.
	Declare []Step
	// Body is the cell's statements and trailing expression, which run as
	// the body of a function: a return among them ends the body, and the
	// calls the body deferred run after it, as after main's.
	Body []Step
	// CallMain is set when the cell declares func main and does not call
	// it: the worker calls it (MainFunc) after the body.
	CallMain bool
}

// Steps returns the steps that evaluate the cell, leaving out the
// declarations in skip (those the notebook already has, unchanged).
func (c *Compiled) Steps(skip []Definition) Steps {
	plan := c.Plan
	var s Steps
	s.Declare = append(s.Declare, Step{Kind: ImportStep})
	decls, fromGeneric := SplitDeclDefines(plan.DeclsWithout(skip), c.isGeneric)
	s.Declare = append(s.Declare, Step{Kind: DeclStep, Source: decls})
	for _, p := range fromGeneric {
		s.Declare = append(s.Declare, Step{Kind: DefineStep, Piece: p})
	}
	if !blank(plan.Stmts) {
		for _, p := range SplitTopDefines(plan.Stmts, c.isGeneric) {
			if p.Define != nil {
				s.Body = append(s.Body, Step{Kind: DefineStep, Piece: p})
			} else {
				s.Body = append(s.Body, Step{Kind: StmtStep, Source: p.Source})
			}
		}
	}
	if !blank(plan.Trailing) {
		s.Body = append(s.Body, Step{Kind: TrailingStep, Source: plan.Trailing})
	}
	s.CallMain = plan.RunMain && !CallsMain(plan.Stmts+"\n"+plan.Trailing)
	return s
}

// isGeneric reports whether a function the cell or an earlier one declares
// is generic: the cell's own declaration first.
func (c *Compiled) isGeneric(name string) bool {
	for _, d := range c.Plan.Defined {
		if d.Kind == Func && d.Name == name {
			return IsGenericFunc(d.Source)
		}
	}
	return c.ctx.IsGenericFunc(name)
}
