import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { ValidationFailedError, type FieldError } from '../errors/app-error.js';
import { CONTROL_CHARACTER, fieldPath, markSuspicious, type SuspiciousInputReason } from './suspicious-input.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Rules that only a string (or one of a set of strings) passes: one failing on an object or array is type confusion. */
const STRING_RULES = ['isString', 'isEmail', 'isUnambiguousEmail', 'matches', 'isUuid', 'isIn', 'isEnum', 'isDateString', 'isIso8601'];

/** Whether a string rule of this property applies to each item of an array (`{ each: true }`): a list of strings. */
function stringEachItem(e: ValidationError): boolean {
  const target = e.target?.constructor;
  if (!target) return false;
  return getMetadataStorage()
    .getTargetValidationMetadatas(target, '', true, false)
    .some((m) => m.propertyName === e.property && m.each === true && STRING_RULES.includes(m.name ?? ''));
}

const isStructured = (value: unknown) => value !== null && typeof value === 'object';

/** An object or array where a string is expected: `{"$ne": null}` for an email, `["a", "b"]` for a title. */
function isTypeConfusion(e: ValidationError): boolean {
  if (!STRING_RULES.some((rule) => e.constraints?.[rule]) || !isStructured(e.value)) return false;
  return !Array.isArray(e.value) || !stringEachItem(e) || e.value.some(isStructured);
}

/**
 * The refusal no honest client provokes, if any: type confusion on a declared property (only
 * declared properties have string rules, so the path is made of known field names), or a
 * control character in a refused query or route value (bodies are checked before, in json-body.ts).
 * The query parser is `simple`: a query value is a string, or an array when the name was repeated
 * (`?q=a&q=b`), never an object, so in a query a wrong type is a repetition, not an injection.
 */
function suspicionIn(errors: ValidationError[], location: string, parent: string[] = []): { reason: SuspiciousInputReason; path: string[] } | undefined {
  for (const e of errors) {
    const path = [...parent, e.property];
    if (location !== 'query' && isTypeConfusion(e)) return { reason: 'type_confusion', path };
    if (typeof e.value === 'string' && CONTROL_CHARACTER.test(e.value)) return { reason: 'control_character', path };
    const nested = suspicionIn(e.children ?? [], location, path);
    if (nested) return nested;
  }
  return undefined;
}

/** The validation errors behind each refusal, for the pipe that knows where the value came from. */
const causes = new WeakMap<ValidationFailedError, ValidationError[]>();

/**
 * The global pipe: DTOs are whitelists. Unknown properties are refused with 400, never silently
 * dropped or stored (mass assignment: `role`, `authorId`, `id` cannot ride along in a body).
 * A refusal for type confusion or a control character is marked suspicious, with the field path
 * (`body.email`, `query.q`), for the security trail (LOG-04).
 */
class MarkingValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    try {
      return await super.transform(value, metadata);
    } catch (err) {
      // The factory below keeps the errors; here it is known where the value came from: `body`, `query`, `param`.
      const errors = err instanceof ValidationFailedError ? causes.get(err) : undefined;
      const found = errors && suspicionIn(errors, metadata.type);
      if (found) markSuspicious(err as ValidationFailedError, found.reason, fieldPath(metadata.type, found.path));
      throw err;
    }
  }
}

export function createValidationPipe(): ValidationPipe {
  return new MarkingValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // Values and targets stay in memory for suspicionIn(); flatten() never puts them in an answer.
    validationError: { target: true, value: true },
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const error = new ValidationFailedError(flatten(errors));
      causes.set(error, errors);
      return error;
    },
  });
}
