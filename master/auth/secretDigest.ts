import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a secret: fixed-length, so timingSafeEqual leaks neither its length nor a prefix. */
export const secretDigest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Whether two secrets are equal, compared in constant time (bearer tokens, job tokens). */
export const sameSecret = (a: string, b: string): boolean => timingSafeEqual(secretDigest(a), secretDigest(b));
