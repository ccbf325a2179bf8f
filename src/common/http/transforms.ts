import type { TransformFnParams } from 'class-transformer';

/** class-transformer helpers for DTOs: normalize strings, leave other types for the validator to reject. */
export const trimString = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);
