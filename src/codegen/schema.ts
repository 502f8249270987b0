/**
 * TypeScript API types → structural OpenAPI schemas. The mapping follows the type syntax (so aliases such as
 * `Int32` keep their meaning) and inlines every named type (no $ref), applying type-level markers where a type
 * is declared and field markers where a property is.
 */
import { Node, SyntaxKind, type InterfaceDeclaration, type PropertySignature, type TypeAliasDeclaration, type TypeElementTypes, type TypeNode } from "ts-morph";
import { applyMarkers } from "./apply.js";
import type { MarkerAt } from "./comments.js";
import type { ErrorSink, SourcePos } from "./errors.js";
import { wellKnownSchema, type JSONSchemaProps } from "./jsonschema.js";
import { apiTypeNames } from "../../runtime/api/types.js";

/** What the schema builder needs from the rest of the generator. */
export interface SchemaContext {
  errors: ErrorSink;
  markersOf(node: Node): readonly MarkerAt[];
  posOf(node: Node): SourcePos;
}

const has = (markers: readonly MarkerAt[], name: string): boolean => markers.some((m) => m.marker.def.name === name);

/** The JSDoc text of a declaration without marker lines and tags (controller-gen's doc comments). */
export function docOf(node: Node): string | undefined {
  if (!Node.isJSDocable(node)) return undefined;
  // the JSDoc block nearest the declaration (an earlier one, such as a file header, is not its doc)
  const doc = node.getJsDocs().at(-1);
  if (!doc) return undefined;
  const lines = doc.getDescription().split("\n").map((l) => l.trim());
  const kept = lines.filter((l) => !/^\+[A-Za-z]/.test(l));
  while (kept.length > 0 && kept[0] === "") kept.shift();
  while (kept.length > 0 && kept[kept.length - 1] === "") kept.pop();
  const text = kept.join("\n").replace(/\n{3,}/g, "\n\n");
  return text === "" ? undefined : text;
}

/** A node's text on one line (for messages). */
const oneLine = (node: Node): string => node.getText().replace(/\s+/g, " ");

function isFromKubeforge(spec: string): boolean {
  return /^kubeforge(\/|$)/.test(spec);
}

type Resolved = { kind: "wellKnown"; name: string } | { kind: "decl"; decl: Node } | { kind: "lib"; name: string } | { kind: "unresolved"; name: string };

/** What a type reference names: one of the runtime's API aliases, a declaration in the project, or a lib type. */
function resolveRef(nameNode: Node): Resolved {
  const text = nameNode.getText();
  const sym = nameNode.getSymbol();
  if (!sym) return { kind: "unresolved", name: text };
  for (const d of sym.getDeclarations()) {
    if (Node.isImportSpecifier(d)) {
      const from = d.getImportDeclaration().getModuleSpecifierValue();
      const imported = d.getName();
      if (isFromKubeforge(from) && (apiTypeNames as readonly string[]).includes(imported)) return { kind: "wellKnown", name: imported };
    }
  }
  const target = sym.isAlias() ? sym.getAliasedSymbol() ?? sym : sym;
  const decls = target.getDeclarations();
  const decl = decls[0];
  if (!decl) return { kind: "unresolved", name: text };
  const path = decl.getSourceFile().getFilePath();
  const name = target.getName();
  if ((apiTypeNames as readonly string[]).includes(name) && /\/runtime\/(api|core|conditions)\/[^/]+\.(d\.)?ts$/.test(path)) return { kind: "wellKnown", name };
  if (decl.getSourceFile().isFromExternalLibrary() || decl.getSourceFile().isDeclarationFile()) return { kind: "lib", name };
  return { kind: "decl", decl };
}

/** Builds schemas; one instance per generation run. */
export class SchemaBuilder {
  private readonly stack: Node[] = [];

  constructor(private readonly ctx: SchemaContext) {}

  private fail(node: Node, message: string): JSONSchemaProps {
    this.ctx.errors.add(this.ctx.posOf(node), message);
    return {};
  }

  /** The schema of a type node. `preserve`: the field says +kubebuilder:pruning:PreserveUnknownFields (or gives a Type). */
  typeSchema(node: TypeNode, preserve = false): JSONSchemaProps {
    if (Node.isParenthesizedTypeNode(node)) return this.typeSchema(node.getTypeNode(), preserve);
    switch (node.getKind()) {
      case SyntaxKind.StringKeyword:
        return { type: "string" };
      case SyntaxKind.NumberKeyword:
        return { type: "number" };
      case SyntaxKind.BooleanKeyword:
        return { type: "boolean" };
      case SyntaxKind.AnyKeyword:
      case SyntaxKind.UnknownKeyword:
        if (preserve) return {};
        return this.fail(node, `type "${node.getText()}" has no schema; add +kubebuilder:pruning:PreserveUnknownFields (any JSON is kept) or use a concrete type`);
      case SyntaxKind.ObjectKeyword:
        if (preserve) return { type: "object" };
        return this.fail(node, `type "object" has no schema; use an interface, Record<string, T>, or add +kubebuilder:pruning:PreserveUnknownFields`);
      case SyntaxKind.SymbolKeyword:
      case SyntaxKind.BigIntKeyword:
      case SyntaxKind.NeverKeyword:
      case SyntaxKind.VoidKeyword:
      case SyntaxKind.UndefinedKeyword:
      case SyntaxKind.NullKeyword:
        return this.fail(node, `type "${node.getText()}" cannot be stored in JSON; use string, number, boolean, an array or an interface`);
    }
    if (Node.isFunctionTypeNode(node) || Node.isConstructorTypeNode(node)) return this.fail(node, `function type "${node.getText()}" cannot be part of an API type; remove the field or make it data`);
    if (Node.isLiteralTypeNode(node)) {
      const lit = node.getLiteral();
      if (Node.isStringLiteral(lit)) return { type: "string", enum: [lit.getLiteralValue()] };
      if (Node.isNumericLiteral(lit)) return { type: Number.isInteger(lit.getLiteralValue()) ? "integer" : "number", enum: [lit.getLiteralValue()] };
      if (lit.getKind() === SyntaxKind.TrueKeyword || lit.getKind() === SyntaxKind.FalseKeyword) return { type: "boolean" };
      return this.fail(node, `literal type ${node.getText()} cannot be expressed; use string, number or boolean`);
    }
    if (Node.isArrayTypeNode(node)) return { type: "array", items: this.typeSchema(node.getElementTypeNode()) };
    if (Node.isTypeOperatorTypeNode(node) && node.getOperator() === SyntaxKind.ReadonlyKeyword) return this.typeSchema(node.getTypeNode(), preserve);
    if (Node.isUnionTypeNode(node)) return this.unionSchema(node, node.getTypeNodes(), preserve);
    if (Node.isTypeLiteral(node)) return this.objectSchema(node, node.getMembers(), []);
    if (Node.isIntersectionTypeNode(node)) {
      const parts = node.getTypeNodes().map((t) => this.typeSchema(t));
      if (!parts.every((p) => p.type === "object")) return this.fail(node, `intersection "${node.getText()}" must combine object types`);
      const merged: JSONSchemaProps = { type: "object", properties: {} };
      for (const p of parts) {
        Object.assign(merged.properties as object, p.properties ?? {});
        if (p.required) merged.required = [...new Set([...(merged.required ?? []), ...p.required])].sort();
      }
      return merged;
    }
    if (Node.isTypeReference(node)) return this.refSchema(node, preserve);
    return this.fail(node, `type "${node.getText()}" cannot be expressed as an OpenAPI schema; use string, number, boolean, arrays, Record<string, T>, string-literal unions or interfaces`);
  }

  private unionSchema(node: Node, members: TypeNode[], preserve: boolean): JSONSchemaProps {
    let nullable = false;
    const rest = members.filter((m) => {
      if (m.getKind() === SyntaxKind.UndefinedKeyword) return false;
      if (Node.isLiteralTypeNode(m) && m.getLiteral().getKind() === SyntaxKind.NullKeyword) {
        nullable = true;
        return false;
      }
      return true;
    });
    const withNull = (s: JSONSchemaProps): JSONSchemaProps => (nullable ? { ...s, nullable: true } : s);
    if (rest.length === 1) return withNull(this.typeSchema(rest[0] as TypeNode, preserve));
    const lits = rest.map((m) => (Node.isLiteralTypeNode(m) ? m.getLiteral() : undefined));
    if (lits.every((l) => l !== undefined && Node.isStringLiteral(l))) return withNull({ type: "string", enum: lits.map((l) => (l as import("ts-morph").StringLiteral).getLiteralValue()) });
    if (lits.every((l) => l !== undefined && Node.isNumericLiteral(l))) {
      const values = lits.map((l) => (l as import("ts-morph").NumericLiteral).getLiteralValue());
      return withNull({ type: values.every(Number.isInteger) ? "integer" : "number", enum: values });
    }
    if (lits.every((l) => l !== undefined && (l.getKind() === SyntaxKind.TrueKeyword || l.getKind() === SyntaxKind.FalseKeyword))) return withNull({ type: "boolean" });
    const kinds = rest.map((m) => m.getKind());
    if (kinds.length === 2 && kinds.includes(SyntaxKind.NumberKeyword) && kinds.includes(SyntaxKind.StringKeyword))
      return withNull({ anyOf: [{ type: "integer" }, { type: "string" }], "x-kubernetes-int-or-string": true });
    const objectMembers = rest.filter((m) => Node.isTypeLiteral(m) || Node.isTypeReference(m));
    if (objectMembers.length === rest.length) {
      const errorsBefore = this.ctx.errors.errors.length;
      const schemas = rest.map((m) => this.typeSchema(m));
      if (this.ctx.errors.errors.length > errorsBefore) return {};
      if (schemas.every((sc) => sc.type === "object" && sc.properties !== undefined)) {
        const merged = this.discriminatedUnion(node, schemas);
        if (merged) return withNull(merged);
        return {};
      }
    }
    return this.fail(node, `union "${oneLine(node)}" cannot be expressed as a structural schema; use a string-literal union, IntOrString, a union of object types with a string-literal discriminator field (e.g. type: "a" | ... in each), or one object type with optional fields and +kubebuilder:validation:ExactlyOneOf`);
  }

  /**
   * A union of object types told apart by a string-literal field (`{ type: "git"; url: string } | { type: "s3";
   * bucket: string }`) as one structural object: the discriminator (required, an enum of the members' values),
   * every member's other fields as optional properties, and one CEL rule per member saying which of them must
   * and may be set for its discriminator value. A field that several members declare must have the same schema.
   */
  private discriminatedUnion(node: Node, members: readonly JSONSchemaProps[]): JSONSchemaProps | undefined {
    const literal = (sc: JSONSchemaProps | undefined): string | undefined => (sc?.type === "string" && sc.enum?.length === 1 && typeof sc.enum[0] === "string" ? sc.enum[0] : undefined);
    const first = members[0] as JSONSchemaProps;
    const candidates = Object.keys(first.properties ?? {}).filter((k) => {
      const values = members.map((m) => (m.required?.includes(k) ? literal(m.properties?.[k]) : undefined));
      return values.every((v) => v !== undefined) && new Set(values).size === values.length;
    });
    const key = candidates.find((k) => k === "type" || k === "kind") ?? candidates[0];
    if (key === undefined) {
      this.fail(node, `union "${oneLine(node)}" has no discriminator: give each object type a required field with a different string literal (e.g. type: "a" in one, type: "b" in the other), or use one object type with optional fields and +kubebuilder:validation:ExactlyOneOf`);
      return undefined;
    }
    const values = members.map((m) => literal(m.properties?.[key]) as string);
    const { enum: _e, ...discriminator } = first.properties?.[key] as JSONSchemaProps;
    void _e;
    const properties: Record<string, JSONSchemaProps> = { [key]: { ...discriminator, enum: values } };
    for (const m of members) {
      for (const [name, sc] of Object.entries(m.properties ?? {})) {
        if (name === key) continue;
        if (sc.default !== undefined) {
          // the API server defaults before validation, whatever the discriminator: the other members would be refused
          this.fail(node, `union "${oneLine(node)}": field "${name}" has a default, which the API server would set for every member (and the rule for the other members forbids it); remove the default and set it in a defaulting webhook or the controller`);
          return undefined;
        }
        const prev = properties[name];
        if (prev && JSON.stringify(prev) !== JSON.stringify(sc)) {
          this.fail(node, `union "${oneLine(node)}": field "${name}" has different schemas in two members; give it one type, or different names`);
          return undefined;
        }
        properties[name] = sc;
      }
    }
    const fields = Object.keys(properties).filter((f) => f !== key).sort();
    const rules = members.map((m, i) => {
      const value = values[i] as string;
      const own = Object.keys(m.properties ?? {}).filter((f) => f !== key);
      const required = (m.required ?? []).filter((f) => f !== key).sort();
      const forbidden = fields.filter((f) => !own.includes(f));
      const checks = [...required.map((f) => `has(self.${f})`), ...forbidden.map((f) => `!has(self.${f})`)];
      const said = [required.length > 0 && `${required.join(", ")} must be set`, forbidden.length > 0 && `${forbidden.join(", ")} must not be set`].filter(Boolean).join(" and ");
      return checks.length === 0 ? undefined : { rule: `self.${key} != '${value}' || (${checks.join(" && ")})`, message: `when ${key} is "${value}", ${said}` };
    });
    const out: JSONSchemaProps = { type: "object", properties, required: [key] };
    const xv = rules.filter((r): r is { rule: string; message: string } => r !== undefined);
    if (xv.length > 0) out["x-kubernetes-validations"] = xv;
    return out;
  }

  private refSchema(node: import("ts-morph").TypeReferenceNode, preserve: boolean): JSONSchemaProps {
    const nameNode = node.getTypeName();
    const args = node.getTypeArguments();
    const r = resolveRef(nameNode);
    if (r.kind === "wellKnown") return wellKnownSchema(r.name) as JSONSchemaProps;
    if (r.kind === "lib" || r.kind === "unresolved") {
      const name = r.name;
      if ((name === "Array" || name === "ReadonlyArray") && args.length === 1) return { type: "array", items: this.typeSchema(args[0] as TypeNode) };
      if (name === "Record" && args.length === 2) {
        const key = args[0] as TypeNode;
        if (key.getKind() !== SyntaxKind.StringKeyword) return this.fail(node, `Record keys must be string, found "${key.getText()}"`);
        const val = args[1] as TypeNode;
        if (preserve && (val.getKind() === SyntaxKind.UnknownKeyword || val.getKind() === SyntaxKind.AnyKeyword)) return { type: "object" };
        return { type: "object", additionalProperties: this.typeSchema(val) };
      }
      if (name === "Date") return this.fail(node, `"Date" is not JSON; use Time (an RFC 3339 string) from "kubeforge"`);
      if (r.kind === "unresolved") return this.fail(node, `cannot resolve type "${name}"; import it from a file under the given paths, or from "kubeforge"`);
      return this.fail(node, `type "${name}" cannot be expressed as an OpenAPI schema; use an interface of plain data fields`);
    }
    const decl = r.decl;
    if (args.length > 0) return this.fail(node, `generic type "${node.getText()}" is not supported; declare a non-generic interface`);
    if (Node.isInterfaceDeclaration(decl) || Node.isTypeAliasDeclaration(decl)) return this.namedSchema(decl, preserve);
    if (Node.isEnumDeclaration(decl)) {
      const values = decl.getMembers().map((m) => m.getValue());
      if (values.every((v) => typeof v === "string")) return { type: "string", enum: values as string[] };
      if (values.every((v) => typeof v === "number")) return { type: "integer", enum: values as number[] };
      return this.fail(node, `enum "${decl.getName()}" mixes strings and numbers`);
    }
    if (Node.isClassDeclaration(decl)) return this.fail(node, `class "${decl.getName() ?? ""}" cannot be an API type (classes carry methods); declare an interface with the data fields`);
    return this.fail(node, `"${node.getText()}" is not a type the generator understands; use an interface or type alias`);
  }

  /** The schema of a named interface or type alias, with its type-level markers and description. */
  namedSchema(decl: InterfaceDeclaration | TypeAliasDeclaration, preserve = false): JSONSchemaProps {
    if (this.stack.includes(decl)) return this.fail(decl, `type "${decl.getName()}" refers to itself; recursive types cannot be expressed in a structural schema without $ref (use +kubebuilder:pruning:PreserveUnknownFields on the recursive field)`);
    this.stack.push(decl);
    try {
      const markers = this.ctx.markersOf(decl);
      const keep = preserve || has(markers, "kubebuilder:pruning:PreserveUnknownFields");
      let schema: JSONSchemaProps;
      if (Node.isInterfaceDeclaration(decl)) {
        const members: TypeElementTypes[] = [];
        for (const base of decl.getBaseDeclarations()) {
          // the runtime's KubeObject (and TypeMeta) only make a kind usable with the client: the kind declares
          // apiVersion, kind, metadata, spec and status itself, and its open index signature is not part of the API
          if (Node.isInterfaceDeclaration(base) && isRuntimeObjectType(base)) continue;
          if (Node.isInterfaceDeclaration(base)) members.push(...base.getMembers());
          else return this.fail(decl, `"${decl.getName()}" extends "${base.getText()}"; an API interface may only extend interfaces`);
        }
        members.push(...decl.getMembers());
        schema = this.objectSchema(decl, members, []);
      } else {
        const tn = decl.getTypeNode();
        if (!tn) return this.fail(decl, `type alias "${decl.getName()}" has no type`);
        if (decl.getTypeParameters().length > 0) return this.fail(decl, `generic type "${decl.getName()}" is not supported`);
        schema = { ...this.typeSchema(tn, keep) };
      }
      const doc = docOf(decl);
      if (doc !== undefined) schema.description = doc;
      applyMarkers(schema, markers, this.ctx.errors);
      return schema;
    } finally {
      this.stack.pop();
    }
  }

  /** An object from property signatures (and at most one string index signature). */
  objectSchema(at: Node, members: readonly TypeElementTypes[], skip: readonly string[]): JSONSchemaProps {
    const schema: JSONSchemaProps = { type: "object" };
    const props: Record<string, JSONSchemaProps> = {};
    const required: string[] = [];
    for (const m of members) {
      if (Node.isPropertySignature(m)) {
        const name = propName(m);
        if (skip.includes(name)) continue;
        const { schema: ps, required: req } = this.propertySchema(m);
        props[name] = ps;
        if (req) required.push(name);
      } else if (Node.isIndexSignatureDeclaration(m)) {
        const rt = m.getReturnTypeNode();
        if (!rt) continue;
        schema.additionalProperties = this.typeSchema(rt);
      } else if (Node.isMethodSignature(m) || Node.isCallSignatureDeclaration(m) || Node.isConstructSignatureDeclaration(m)) {
        this.fail(m, `method "${m.getText().split("(")[0]}" cannot be part of an API type; API types hold data only`);
      } else {
        this.fail(m, `member "${m.getText()}" cannot be part of an API type`);
      }
    }
    if (Object.keys(props).length > 0) {
      if (schema.additionalProperties) return this.fail(at, `an object cannot have both properties and an index signature in a structural schema`);
      schema.properties = props;
    }
    if (required.length > 0) schema.required = required.sort();
    return schema;
  }

  /** One property: its type's schema, then its markers; required unless `?` or +optional. */
  propertySchema(p: PropertySignature): { schema: JSONSchemaProps; required: boolean } {
    const markers = this.ctx.markersOf(p);
    const tn = p.getTypeNode();
    if (!tn) return { schema: this.fail(p, `property "${propName(p)}" needs a type annotation`), required: false };
    const preserve = has(markers, "kubebuilder:pruning:PreserveUnknownFields") || has(markers, "kubebuilder:validation:EmbeddedResource") || has(markers, "kubebuilder:validation:Type");
    // +kubebuilder:validation:Schemaless: no schema at all for the field (its description stays)
    const schemaless = has(markers, "kubebuilder:validation:Schemaless");
    if (schemaless && !has(markers, "kubebuilder:pruning:PreserveUnknownFields")) {
      const at = markers.find((m) => m.marker.def.name === "kubebuilder:validation:Schemaless") as MarkerAt;
      this.ctx.errors.add(at.pos, `marker "+kubebuilder:validation:Schemaless" alone makes a CRD the API server rejects (a field without a type is not structural); add +kubebuilder:pruning:PreserveUnknownFields to keep any JSON there (expected form: +kubebuilder:validation:Schemaless with +kubebuilder:pruning:PreserveUnknownFields)`);
    }
    const schema: JSONSchemaProps = schemaless ? {} : { ...this.typeSchema(tn, preserve) };
    const doc = docOf(p);
    if (doc !== undefined) schema.description = doc;
    // the field's own CEL rules come before those of its type, as controller-gen merges them
    const typeRules = schema["x-kubernetes-validations"];
    delete schema["x-kubernetes-validations"];
    applyMarkers(schema, markers, this.ctx.errors);
    if (typeRules) schema["x-kubernetes-validations"] = [...(schema["x-kubernetes-validations"] ?? []), ...typeRules];
    let required = !p.hasQuestionToken();
    if (has(markers, "optional") || has(markers, "kubebuilder:validation:Optional")) required = false;
    if (has(markers, "required") || has(markers, "kubebuilder:validation:Required")) required = true;
    return { schema, required };
  }
}

/** kubeforge's KubeObject / TypeMeta (runtime/core/object), whichever way the project imports them. */
function isRuntimeObjectType(decl: InterfaceDeclaration): boolean {
  return (decl.getName() === "KubeObject" || decl.getName() === "TypeMeta") && /[\\/]runtime[\\/]core[\\/]object\.(d\.)?ts$/.test(decl.getSourceFile().getFilePath());
}

export function propName(p: PropertySignature): string {
  const n = p.getNameNode();
  return Node.isStringLiteral(n) ? n.getLiteralValue() : n.getText();
}
