// The sites library hooks see: what the frame offers every hook (trace steps, source text, sink reports,
// evaluation) and what each hook is about. Classes, not object spreads: a site is made for every call,
// attribute read and attribute write, and spreading the frame's context into each was a tenth of the scan.
import type { Expr, Span } from '../python/ir.js';
import type { ProjectIndex } from '../semantic/project.js';
import type { Step, Value } from './facts.js';
import type { AssignAttributeSite, AttributeSite, CallSite, SinkReport, SiteContext } from './library.js';

/** What every site gets from its frame (itself a context): passed through, so a site costs one small object. */
class FrameContext implements SiteContext {
  readonly project: ProjectIndex;
  readonly path: string;

  constructor(private readonly frame: SiteContext) {
    this.project = frame.project;
    this.path = frame.path;
  }

  step(node: Span, note?: string): Step {
    return this.frame.step(node, note);
  }

  text(node: Span): string {
    return this.frame.text(node);
  }

  report(sink: SinkReport): void {
    this.frame.report(sink);
  }

  evaluate(expr: Expr): Value {
    return this.frame.evaluate(expr);
  }

  evaluateInModule(module: string, expr: Expr): Value {
    return this.frame.evaluateInModule(module, expr);
  }

  rebind(expr: Expr, value: Value): void {
    this.frame.rebind(expr, value);
  }
}

export class FrameCallSite extends FrameContext implements CallSite {
  constructor(
    frame: SiteContext,
    readonly expr: Extract<Expr, { t: 'call' }>,
    readonly callee: Value,
    readonly receiver: Value | undefined,
    readonly method: string | undefined,
    readonly receiverExpr: Expr | undefined,
    readonly args: Value[],
    readonly kwargs: Map<string, Value>,
    readonly spread: Value[],
  ) {
    super(frame);
  }
}

export class FrameAttributeSite extends FrameContext implements AttributeSite {
  constructor(frame: SiteContext, readonly expr: Extract<Expr, { t: 'attr' }>) {
    super(frame);
  }
}

export class FrameAssignAttributeSite extends FrameContext implements AssignAttributeSite {
  constructor(frame: SiteContext, readonly node: Span, readonly targetExpr: Expr) {
    super(frame);
  }
}
