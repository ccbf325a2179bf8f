/** Whether `found` (e.g. "20.20.2") is older than `wanted` (">=MAJOR[.MINOR[.PATCH]]"). */
export declare function isOlder(found: string, wanted: string): boolean;
