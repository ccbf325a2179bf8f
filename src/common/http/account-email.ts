import { domainToUnicode } from 'node:url';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform, type TransformFnParams } from 'class-transformer';
import { IsEmail, MaxLength, registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * One address, one spelling: trimmed, NFKC-normalised (full-width and other compatibility forms
 * fold into their plain letters) and lower-cased, before storage and before every comparison,
 * so a look-alike registers as the address it imitates. An internationalised domain written in
 * its ASCII form (`xn--...`) becomes its Unicode form, so both spellings are one address.
 */
export function normalizeEmail(value: string): string {
  const address = value.trim().normalize('NFKC').toLowerCase();
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const domain = domainToUnicode(address.slice(at + 1));
  return domain ? `${address.slice(0, at + 1)}${domain}` : address;
}

/**
 * Code points that show nothing: format characters (zero-width space, joiners, bidi marks), every
 * other default-ignorable one (Hangul fillers, variation selectors, the combining grapheme
 * joiner), controls, private-use and unassigned code points, and the blank Braille pattern.
 */
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}\u2800]/u;

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
