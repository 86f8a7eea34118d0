/**
 * Turns the STU3 model and profile snapshots into JSON Schemas for ajv. Base types become
 * `$defs` of one document (urn:fhir:stu3); each profile becomes its own document that reuses
 * them for every element it does not constrain. What JSON Schema cannot say (bindings,
 * reference targets, choice types, invariants, nested resources) is carried by the custom
 * keywords of keywords.ts; `fhir*` annotation keywords give the issue mapper its vocabulary.
 */
import { readFileSync } from 'node:fs';
import { childrenOf, elementDef, isResourceType, model, typeDef } from '../fhir/model/index.js';
import type { ChildInfo, ConstraintDef } from '../fhir/model/index.js';
import { ruleFromModel, type ElementRule, type ProfileNode } from './element-rules.js';
import type { Terminology } from './terminology.js';

export type Schema = Record<string, unknown> | boolean;
type SchemaObject = Record<string, unknown>;

export const BASE_ID = 'urn:fhir:stu3';
const extraFormats: Record<string, string> = JSON.parse(
  readFileSync(new URL('./primitive-formats.json', import.meta.url), 'utf8'),
);

export const baseRef = (key: string): SchemaObject => ({ $ref: `${BASE_ID}#/$defs/${key}` });
const primitiveKey = (code: string): string => `primitive:${code}`;
const PRIMITIVE_ELEMENT = 'primitive-element';

export interface ChoiceGroup {
  stem: string;
  names: string[];
  min: number;
  max: string;
}

export interface BindingSpec {
  strength: 'required' | 'extensible' | 'preferred';
  valueSet: string;
  /** The bound element's type: code, Coding, CodeableConcept, string or uri. */
  type: string;
}

/** A slice of an extension array, told apart by url (discriminator value:url). */
export interface SliceSpec {
  name: string;
  url: string;
  min: number;
  max: string;
}

/** What the `fhir` keyword checks on a value (see keywords.ts). */
export interface FhirChecks {
  slices?: SliceSpec[];
  binding?: BindingSpec;
  /** Resource types a Reference may point to. */
  reference?: string[];
  choices?: ChoiceGroup[];
  invariants?: InvariantSpec[];
}

export interface InvariantSpec extends ConstraintDef {
  /** FHIRPath type the expression is evaluated on (a type name or a backbone path). */
  base: string;
}

/** Where an extension profile's schema lives, if the validator holds that StructureDefinition. */
export type ExtensionLookup = (url: string) => string | undefined;

function card(rule: ElementRule): string {
  return `${rule.min}..${rule.max}`;
}

/** Resolves '#Bundle.link' style content references to a context. */
function contextOf(info: ChildInfo): string | undefined {
  return info.context?.replace(/^#/, '');
}

function patternSchema(value: unknown): Schema {
  if (Array.isArray(value)) return { type: 'array', allOf: value.map((v) => ({ contains: patternSchema(v) })) };
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as SchemaObject);
    return {
      type: 'object',
      required: entries.map(([k]) => k),
      properties: Object.fromEntries(entries.map(([k, v]) => [k, patternSchema(v)])),
    };
  }
  return { const: value };
}

export class SchemaBuilder {
  constructor(
    private readonly terminology: Terminology,
    private readonly extensionSchema: ExtensionLookup,
  ) {}

  /** The document of every base type, backbone element and primitive, by context. */
  baseDocument(): SchemaObject {
    const defs: Record<string, Schema> = {};
    for (const [code, p] of Object.entries(model.primitives)) {
      const regex = p.regex ?? extraFormats[code];
      const jsonType = p.integer ? 'integer' : p.json;
      defs[primitiveKey(code)] = { type: jsonType, ...(regex && jsonType === 'string' ? { pattern: `^(?:${regex})$` } : {}), fhirType: code };
    }
    defs[PRIMITIVE_ELEMENT] = {
      type: 'object',
      fhirType: 'Element',
      additionalProperties: false,
      properties: { id: baseRef(primitiveKey('string')), extension: { type: 'array', minItems: 1, items: baseRef('Extension') } },
    };
    const contexts: string[] = [];
    for (const type of Object.values(model.types)) {
      if (type.kind === 'primitive-type') continue;
      contexts.push(type.name);
      for (const e of type.elements) if (e.types.some((t) => t.code === 'BackboneElement' || t.code === 'Element') && e.path.includes('.')) contexts.push(e.path);
    }
    for (const ctx of contexts) defs[ctx] = this.objectSchema(ctx, undefined, isResourceType(ctx) ? ctx : undefined);
    return { $id: BASE_ID, $defs: defs };
  }

  /** Object schemas of the profile being built, one `$defs` entry per constrained element. */
  private localDefs: Record<string, Schema> | undefined;

  /**
   * A profile's schema: the snapshot tree over its base resource or data type. Each constrained
   * element gets its own `$defs` entry so that ajv compiles it as its own small function: one
   * huge function would be too large for V8 to optimise (measured: 8x slower).
   */
  profileDocument(id: string, tree: ProfileNode, resourceType: string | undefined): SchemaObject {
    this.localDefs = {};
    try {
      const root = this.objectSchema(tree.rule.path, tree, resourceType);
      return { $id: id, ...root, $defs: this.localDefs };
    } finally {
      this.localDefs = undefined;
    }
  }

  private constrainedRef(ctx: string, node: ProfileNode): SchemaObject {
    const defs = this.localDefs;
    const schema = this.objectSchema(ctx, node, undefined);
    if (!defs) return schema;
    let key = node.rule.path;
    for (let n = 2; key in defs; n++) key = `${node.rule.path}_${n}`;
    defs[key] = schema;
    return { $ref: `#/$defs/${key}` };
  }

  /** Invariants that apply to the element of this context itself. */
  private ownConstraints(ctx: string, node: ProfileNode | undefined): ConstraintDef[] {
    if (node) return node.rule.constraints;
    const root = typeDef(ctx)?.elements[0];
    return (root ?? elementDef(ctx))?.constraints ?? [];
  }

  objectSchema(ctx: string, node: ProfileNode | undefined, resourceType: string | undefined): SchemaObject {
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    const choices: ChoiceGroup[] = [];
    const dependencies: Record<string, Schema> = {};
    if (resourceType) {
      properties.resourceType = { const: resourceType, fhirRule: 'type' };
      required.push('resourceType');
    }
    const groups = new Map<string, ChildInfo[]>();
    for (const info of childrenOf(ctx)) {
      const list = groups.get(info.def.path) ?? [];
      list.push(info);
      groups.set(info.def.path, list);
    }
    for (const [defPath, infos] of groups) {
      const stem = defPath.slice(defPath.lastIndexOf('.') + 1);
      const profiled = node?.children.get(stem);
      const baseRule = profiled?.rule ?? ruleFromModel(infos[0]!.def);
      if (stem.endsWith('[x]')) {
        const renamed = new Map(infos.map((i) => [i.name, node?.children.get(i.name)] as const).filter(([, n]) => n));
        const allowedCodes = new Set(baseRule.types.map((t) => t.code));
        const allowed = infos.filter((i) =>
          renamed.size > 0 && !profiled ? renamed.has(i.name) : allowedCodes.has(i.type) || renamed.has(i.name),
        );
        if (baseRule.max === '0') {
          for (const i of infos) this.prohibit(properties, i);
          continue;
        }
        for (const info of allowed) {
          const own = renamed.get(info.name);
          const rule = own?.rule ?? { ...baseRule, types: baseRule.types.filter((t) => t.code === info.type) };
          this.addChild(properties, required, dependencies, info, rule, own ?? profiled, own !== undefined);
        }
        choices.push({ stem: stem.slice(0, -3), names: allowed.map((i) => i.name), min: baseRule.min, max: baseRule.max });
      } else {
        const info = infos[0]!;
        if (baseRule.max === '0') this.prohibit(properties, info);
        else this.addChild(properties, required, dependencies, info, baseRule, profiled, true);
      }
    }
    const invariants = this.invariantsFor(ctx, this.ownConstraints(ctx, node));
    const hasDependencies = Object.keys(dependencies).length > 0;
    // A resource root is checked from its own keys (properties-keyword.ts), other elements by ajv's keywords.
    const members = resourceType
      ? { fhirProperties: properties, ...(required.length ? { fhirRequired: required } : {}), ...(hasDependencies ? { fhirDependencies: dependencies } : {}) }
      : { properties, additionalProperties: false, ...(required.length ? { required } : {}), ...(hasDependencies ? { dependencies } : {}) };
    return {
      type: 'object',
      fhirContext: ctx,
      ...members,
      ...(choices.length || invariants.length ? { fhir: { ...(choices.length ? { choices } : {}), ...(invariants.length ? { invariants } : {}) } } : {}),
    };
  }

  private invariantsFor(base: string, constraints: ConstraintDef[]): InvariantSpec[] {
    const seen = new Set<string>();
    const out: InvariantSpec[] = [];
    for (const c of constraints) {
      if (seen.has(c.key)) continue;
      seen.add(c.key);
      out.push({ ...c, base });
    }
    return out;
  }

  private prohibit(properties: Record<string, Schema>, info: ChildInfo): void {
    properties[info.name] = false;
    if (info.isPrimitive) properties[`_${info.name}`] = false;
  }

  private addChild(
    properties: Record<string, Schema>,
    required: string[],
    dependencies: Record<string, Schema>,
    info: ChildInfo,
    rule: ElementRule,
    node: ProfileNode | undefined,
    requireIt: boolean,
  ): void {
    const item = this.itemSchema(info, rule, node);
    // A slice with a minimum makes its (otherwise optional) element required.
    const neededSlice = info.type === 'Extension' ? node?.slices.find((s) => s.node.rule.min > 0) : undefined;
    const requiredBy = neededSlice
      ? { name: neededSlice.name, url: neededSlice.node.rule.types.find((t) => t.profile)?.profile, card: card(neededSlice.node.rule) }
      : undefined;
    const annotation = { card: card(rule), type: info.type, ...(requiredBy ? { requiredBy } : {}) };
    if (info.isArray) {
      properties[info.name] = {
        type: 'array',
        minItems: Math.max(1, rule.min),
        ...(rule.max !== '*' ? { maxItems: Number(rule.max) } : {}),
        items: item,
        fhirElement: annotation,
        ...this.sliceKeywords(info, node),
      };
    } else {
      properties[info.name] = typeof item === 'object' ? { ...item, fhirElement: annotation } : item;
    }
    if (info.isPrimitive) {
      properties[`_${info.name}`] = info.isArray
        ? { type: 'array', items: { anyOf: [{ type: 'null' }, baseRef(PRIMITIVE_ELEMENT)] } }
        : baseRef(PRIMITIVE_ELEMENT);
      if (!info.isArray) dependencies[`_${info.name}`] = { fhirPrimitiveHasValue: info.name };
    }
    if (requireIt && (rule.min >= 1 || requiredBy)) required.push(info.name);
  }

  private itemSchema(info: ChildInfo, rule: ElementRule, node: ProfileNode | undefined): Schema {
    if (info.isResource) return { type: 'object', fhirResource: true };
    const ctx = contextOf(info);
    const constrained = node !== undefined && node.children.size > 0;
    let schema: SchemaObject;
    if (info.isPrimitive) schema = baseRef(primitiveKey(info.type));
    else if (constrained && ctx) schema = this.constrainedRef(ctx, node);
    else schema = baseRef(ctx ?? info.type);
    const extra: SchemaObject = {};
    const checks: FhirChecks = {};
    if (rule.fixed) {
      Object.assign(extra, rule.fixed.kind === 'fixed' ? { const: rule.fixed.value } : (patternSchema(rule.fixed.value) as SchemaObject));
      extra.fhirRule = 'fixed-value';
    }
    const binding = this.bindingKeyword(info.type, rule);
    if (binding) checks.binding = binding;
    if (info.type === 'Reference') {
      const targets = rule.types.map((t) => t.targetProfile?.split('/').pop()).filter((t): t is string => !!t);
      if (targets.length && !targets.includes('Resource')) checks.reference = targets;
    }
    // Invariants the element adds beyond those of its type (which the type's own schema carries).
    if (!constrained && !info.isPrimitive && ctx) {
      const typeKeys = new Set(this.ownConstraints(ctx, undefined).map((c) => c.key));
      const own = this.invariantsFor(ctx, rule.constraints.filter((c) => !typeKeys.has(c.key)));
      if (own.length) checks.invariants = own;
    }
    if (Object.keys(checks).length) extra.fhir = checks;
    // Siblings of $ref (ajv applies them whatever the draft) rather than an allOf wrapper: less generated code.
    return Object.keys(extra).length ? { ...schema, ...extra } : schema;
  }

  private bindingKeyword(type: string, rule: ElementRule): BindingSpec | undefined {
    const b = rule.binding;
    if (!b?.valueSet || b.strength === 'example') return undefined;
    if (!['code', 'Coding', 'CodeableConcept', 'string', 'uri'].includes(type)) return undefined;
    if (!this.terminology.resolve(b.valueSet)) return undefined;
    return { strength: b.strength, valueSet: b.valueSet, type };
  }

  /** Extension slices by url: per-slice counts (the `fhir` keyword), each item routed to its extension profile (slice-route-keyword.ts). */
  private sliceKeywords(info: ChildInfo, node: ProfileNode | undefined): SchemaObject {
    if (!node || node.slices.length === 0 || info.type !== 'Extension') return {};
    const slices = node.slices
      .map(({ name, node: s }) => ({ name, rule: s.rule, url: s.rule.types.find((t) => t.profile)?.profile }))
      .filter((s): s is { name: string; rule: ElementRule; url: string } => s.url !== undefined);
    const urls = slices.map((s) => s.url);
    const route = [
      ...urls.map((url) => {
        const target = this.extensionSchema(url);
        return target ? { $ref: target } : baseRef('Extension');
      }),
      { allOf: [baseRef('Extension')], fhirUnslicedExtension: urls },
    ];
    return {
      items: { fhirSliceRoute: route, fhirSliceUrls: urls },
      fhir: { slices: slices.map((s) => ({ name: s.name, url: s.url, min: s.rule.min, max: s.rule.max })) },
    };
  }
}
