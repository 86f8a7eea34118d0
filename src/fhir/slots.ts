/**
 * Per-context lookup of the children the codec may meet, built once per context from the model:
 * definition order (for output), XML attribute or element, and how a primitive is typed in JSON.
 */
import { FhirFormatError } from './errors.js';
import { childrenOf, primitiveDef, type ChildInfo, type JsonPrimitiveKind } from './model/index.js';

export interface Slot {
  name: string;
  info: ChildInfo;
  /** Position in the model's definition order, which is the output order in both formats. */
  order: number;
  /** Written as an XML attribute (Element.id, Extension.url) rather than a child element. */
  xmlAttr: boolean;
  isArray: boolean;
  isPrimitive: boolean;
  isResource: boolean;
  /** The narrative div: XHTML kept as markup text. */
  isXhtml: boolean;
  /** JSON type of a primitive's value. */
  jsonKind: JsonPrimitiveKind | undefined;
  /** Lexical form a numeric primitive must have in XML (anchored, compiled once). */
  numberPattern: RegExp | undefined;
  /** Context to read the element's children in (complex types and backbone elements). */
  context: string | undefined;
  /** Context of a primitive's id/extension (the primitive type itself). */
  primitiveContext: string | undefined;
  /** For one type of a choice element (valueString of value[x]): the choice's name stem, e.g. "value". */
  choice: string | undefined;
}

const slotsByContext = new Map<string, Map<string, Slot>>();
const numberPatterns = new Map<string, RegExp>();

function numberPatternFor(type: string): RegExp | undefined {
  const def = primitiveDef(type);
  if (def?.json !== 'number') return undefined;
  let pattern = numberPatterns.get(type);
  if (!pattern) {
    // The model's regex is unanchored (as in the StructureDefinitions); FHIR means the whole value.
    pattern = new RegExp(`^(?:${def.regex ?? '-?[0-9]+(\\.[0-9]+)?'})$`);
    numberPatterns.set(type, pattern);
  }
  return pattern;
}

function slotFor(info: ChildInfo, order: number): Slot {
  const jsonKind = info.isPrimitive ? primitiveDef(info.type)?.json : undefined;
  return {
    name: info.name,
    info,
    order,
    xmlAttr: info.def.xmlAttr === true,
    isArray: info.isArray,
    isPrimitive: info.isPrimitive,
    isResource: info.isResource,
    isXhtml: info.type === 'xhtml',
    jsonKind,
    numberPattern: info.isPrimitive ? numberPatternFor(info.type) : undefined,
    context: info.context,
    primitiveContext: info.isPrimitive ? info.type : undefined,
    choice: info.def.path.endsWith('[x]') ? info.def.path.slice(info.def.path.lastIndexOf('.') + 1, -3) : undefined,
  };
}

/** The children of a context by name; empty for a context the model does not know. */
export function slotsOf(context: string): Map<string, Slot> {
  let slots = slotsByContext.get(context);
  if (!slots) {
    slots = new Map(childrenOf(context).map((info, index) => [info.name, slotFor(info, index)]));
    slotsByContext.set(context, slots);
  }
  return slots;
}

/**
 * Remembers which type a choice element was given in, so a second one (valueString and
 * valueBoolean in one extension) is refused: a choice element holds one value.
 */
export function checkChoice(seen: Map<string, string> | undefined, slot: Slot, path: string): Map<string, string> | undefined {
  if (slot.choice === undefined) return seen;
  const earlier = seen?.get(slot.choice);
  if (earlier !== undefined && earlier !== slot.name) {
    throw new FhirFormatError(`${path}.${slot.name}`, `${slot.choice}[x] is given twice (${earlier} and ${slot.name}); STU3 allows one`);
  }
  return (seen ?? new Map<string, string>()).set(slot.choice, slot.name);
}
