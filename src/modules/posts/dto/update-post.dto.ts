import { PartialType } from '@nestjs/swagger';
import { CreatePostDto } from './create-post.dto.js';

/** Every field optional, but none may be null: `"title": null` is a 400, not an empty title. */
export class UpdatePostDto extends PartialType(CreatePostDto, { skipNullProperties: false }) {}
