import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform, type TransformFnParams } from 'class-transformer';
import { IsEmail, MaxLength, registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * One address, one spelling: trimmed, NFKC-normalised (full-width and other compatibility forms
 * fold into their plain letters) and lower-cased, before storage and before every comparison,
 * so a look-alike registers as the address it imitates.
 */
export function normalizeEmail(value: string): string {
  return value.trim().normalize('NFKC').toLowerCase();
}

/** Format characters (zero-width space, joiners, bidi marks...) and other invisible code points. */
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Co}\p{Cn}]/u;

/** Why an address is refused although it may be syntactically valid, or undefined. */
export function confusableEmailProblem(value: string): string | undefined {
  if (INVISIBLE.test(value)) return 'email must not contain invisible or format characters';
  if (value.includes('"')) return 'email must not have a quoted local part';
  return undefined;
}

function IsUnambiguousEmail(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isUnambiguousEmail',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => typeof value === 'string' && confusableEmailProblem(value) === undefined,
        defaultMessage: (args: ValidationArguments) =>
          (typeof args.value === 'string' && confusableEmailProblem(args.value)) || 'email must be a string',
      },
    });
}

/**
 * The email property of every request body that names an account: normalised as above, a valid
 * address of at most 254 characters, no invisible characters, no quoted local part.
 */
export function AccountEmail() {
  return applyDecorators(
    ApiProperty({ format: 'email', maxLength: 254, description: 'Trimmed, NFKC-normalised and lower-cased' }),
    Transform(({ value }: TransformFnParams): unknown => (typeof value === 'string' ? normalizeEmail(value) : value)),
    IsUnambiguousEmail(),
    IsEmail(),
    MaxLength(254),
  );
}
