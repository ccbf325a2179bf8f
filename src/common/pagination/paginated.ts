/** A page of results. The pagination interceptor sends `items` as the body and `total` as X-Total-Count. */
export class Paginated<T> {
  constructor(
    readonly items: T[],
    readonly total: number,
  ) {}
}
