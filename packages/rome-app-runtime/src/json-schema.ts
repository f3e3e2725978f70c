import type { JSONSchema as ZodJSONSchema } from "zod/v4/core";

// zod's `JSONSchema` namespace again, holding types only. Re-exported as it is, the declaration bundler
// writes it as a value export, which the built JavaScript (rightly) does not have; a namespace of type
// aliases is a type and nothing else, and each alias is zod's own type.
export declare namespace JSONSchema {
  type JSONSchema = ZodJSONSchema.JSONSchema;
  type _JSONSchema = ZodJSONSchema._JSONSchema;
  type BaseSchema = ZodJSONSchema.BaseSchema;
  type Schema = ZodJSONSchema.Schema;
  type SchemaType = ZodJSONSchema.SchemaType;
  type ObjectSchema = ZodJSONSchema.ObjectSchema;
  type ArraySchema = ZodJSONSchema.ArraySchema;
  type StringSchema = ZodJSONSchema.StringSchema;
  type NumberSchema = ZodJSONSchema.NumberSchema;
  type IntegerSchema = ZodJSONSchema.IntegerSchema;
  type BooleanSchema = ZodJSONSchema.BooleanSchema;
  type NullSchema = ZodJSONSchema.NullSchema;
}
