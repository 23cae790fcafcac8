import { describe, expect, it } from 'vitest';
import {
  AgentClosedError,
  AgentError,
  AgentProtocolError,
  AgentTimeoutError,
  asError,
  errorMessage,
  ImageError,
  VpsStatusError,
} from './errors.ts';

describe('errorMessage', () => {
  it("shows an Error's message and any other value as text", () => {
    expect(errorMessage(new TypeError('argv[0] must be a string'))).toBe('argv[0] must be a string');
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});

describe('asError', () => {
  it('keeps an Error as it is and wraps anything else', () => {
    const e = new RangeError('x');
    expect(asError(e)).toBe(e);
    const wrapped = asError('gone');
    expect(wrapped).toBeInstanceOf(Error);
    expect(wrapped.message).toBe('gone');
  });
});

describe('error classes', () => {
  it('each carries its own name (what survives comlink) and is an Error', () => {
    const classes = [AgentError, AgentProtocolError, AgentTimeoutError, AgentClosedError, ImageError, VpsStatusError];
    const names = classes.map((C) => {
      const e = new C('what went wrong');
      expect(e).toBeInstanceOf(Error);
      expect(e.message).toBe('what went wrong');
      return e.name;
    });
    expect(names).toEqual(['AgentError', 'AgentProtocolError', 'AgentTimeoutError', 'AgentClosedError', 'ImageError', 'VpsStatusError']);
  });

  it('are told apart by instanceof on the same side', () => {
    expect(new AgentTimeoutError('t')).not.toBeInstanceOf(AgentError);
    expect(new AgentClosedError('c')).not.toBeInstanceOf(AgentTimeoutError);
  });
});
