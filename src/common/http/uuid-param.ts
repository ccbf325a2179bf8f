import { Param, ParseUUIDPipe, type PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '../errors/app-error.js';

/** UUIDs compare as strings in code (`id === actor.id`): one spelling, the database's lower case. */
const lowerCase: PipeTransform<string, string> = { transform: (value) => value.toLowerCase() };

/** A path id that must be a UUID: anything else is a 400, never a database error. */
export const UuidParam = (name = 'id') =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => new ValidationFailedError([{ field: name, message: `${name} must be a UUID` }]),
    }),
    lowerCase,
  );
