import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { applyApiConventions } from './openapi-conventions.js';

/** The OpenAPI document, built from the controllers and DTOs (so it cannot drift from them). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Secure reference API')
    .setDescription('NestJS + Prisma + PostgreSQL template with the OWASP API Security Top 10 built in.')
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'RS256 access token (15 minutes), verified per RFC8725: algorithm pinned, typ, kid, iss, aud and exp checked. ' +
        'The one scheme of every signed-in route, admin routes included: those also need a role holding the permission their description names (403 otherwise).',
    })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .build();
  return applyApiConventions(SwaggerModule.createDocument(app, config));
}

export const DOCS_PATH = '/docs';

/** Swagger UI at /docs and the document at /docs-json (off in production unless DOCS_ENABLED). */
export function setupDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
