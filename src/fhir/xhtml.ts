/**
 * The narrative div travels as XHTML markup text in JSON and as markup in XML. Both directions
 * check it is one well-formed <div> in the XHTML namespace, so XML output can never be broken by it.
 */
import { XMLValidator } from 'fast-xml-parser';
import { FhirFormatError } from './errors.js';
import { XHTML_NAMESPACE } from './resource.js';

const DIV_START = /^<div(?:\s[^>]*)?\/?>/;
const XHTML_XMLNS = /\sxmlns\s*=\s*(["'])http:\/\/www\.w3\.org\/1999\/xhtml\1/;

export function checkXhtmlDiv(div: string, path: string): void {
  const start = DIV_START.exec(div);
  if (!start) throw new FhirFormatError(path, 'the narrative must be a single XHTML <div> element');
  if (!XHTML_XMLNS.test(start[0])) {
    throw new FhirFormatError(path, `the narrative <div> must declare xmlns="${XHTML_NAMESPACE}"`);
  }
  const result = XMLValidator.validate(div);
  if (result !== true) {
    throw new FhirFormatError(path, `the narrative XHTML is not well-formed: ${result.err.msg} (line ${result.err.line}, column ${result.err.col})`);
  }
  if (!div.endsWith('</div>') && !start[0].endsWith('/>')) {
    throw new FhirFormatError(path, 'the narrative must be a single XHTML <div> element');
  }
}
