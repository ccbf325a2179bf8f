import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { passwordPolicyViolation } from '../../../common/auth/password-policy.js';

/**
 * Validates a DTO's password with the password policy. `emailField` names the sibling property
 * holding the account's email, whose name part the password may not contain.
 */
export function IsAcceptablePassword(options: { emailField?: string } = {}, validationOptions?: ValidationOptions) {
  const problem = (args: ValidationArguments) => {
    const email = options.emailField ? (args.object as Record<string, unknown>)[options.emailField] : undefined;
    return typeof args.value === 'string' ? passwordPolicyViolation(args.value, typeof email === 'string' ? email : undefined) : 'password must be a string';
  };
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isAcceptablePassword',
      target: target.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (_value: unknown, args: ValidationArguments) => problem(args) === undefined,
        defaultMessage: (args: ValidationArguments) => problem(args) ?? 'password is not acceptable',
      },
    });
}
