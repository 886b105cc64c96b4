import { isJsonObject } from '@divoc/keys';
import type { JsonObject, VdsncType } from '../types.js';

type Json = Record<string, unknown>;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const ALPHA3 = /^[A-Z<]{3}$/;

/**
 * Field checks for the message of each seal type, after the VDS-NC TR data definitions (PoV: WHO data set; PoT:
 * CAPSCA). Unknown extra fields are allowed; required fields must be there with the right types. Returns issues.
 */
export function checkMessage(type: VdsncType, msg: JsonObject): string[] {
  const issues: string[] = [];
  const c = new Checker(issues);
  const pid = c.object(msg, 'pid', 'msg');
  if (pid) {
    c.string(pid, 'n', 'msg.pid', { max: 39 });
    c.string(pid, 'dob', 'msg.pid', { optional: true, pattern: DATE });
    c.string(pid, 'sex', 'msg.pid', { optional: true, pattern: /^[MFX]$/ });
  }
  if (type === 'icao.vacc') {
    c.string(msg, 'uvci', 'msg', { max: 12 });
    const ve = c.array(msg, 've', 'msg');
    ve?.forEach((event, i) => {
      const where = `msg.ve[${i}]`;
      if (!isJsonObject(event)) return void issues.push(`${where} must be an object`);
      c.string(event, 'des', where, { max: 16 });
      c.string(event, 'nam', where, { max: 64 });
      c.string(event, 'dis', where, { max: 16 });
      c.array(event, 'vd', where)?.forEach((dose, j) => {
        const at = `${where}.vd[${j}]`;
        if (!isJsonObject(dose)) return void issues.push(`${at} must be an object`);
        c.string(dose, 'dvc', at, { pattern: DATE });
        c.integer(dose, 'seq', at);
        c.string(dose, 'ctr', at, { pattern: ALPHA3 });
        c.string(dose, 'adm', at, { max: 64 });
        c.string(dose, 'lot', at, { max: 64 });
        c.string(dose, 'dvn', at, { optional: true, pattern: DATE });
      });
    });
  } else {
    c.string(msg, 'utci', 'msg', { max: 12 });
    const sp = c.object(msg, 'sp', 'msg');
    if (sp) {
      c.string(sp, 'spn', 'msg.sp', { max: 64 });
      c.string(sp, 'ctr', 'msg.sp', { pattern: ALPHA3 });
    }
    const dat = c.object(msg, 'dat', 'msg');
    if (dat) {
      c.string(dat, 'sc', 'msg.dat', { pattern: DATE_TIME });
      c.string(dat, 'ri', 'msg.dat', { optional: true, pattern: DATE_TIME });
    }
    const tr = c.object(msg, 'tr', 'msg');
    if (tr) {
      c.string(tr, 'tc', 'msg.tr', { max: 32 });
      c.string(tr, 'r', 'msg.tr', { max: 32 });
      c.string(tr, 'm', 'msg.tr', { optional: true, max: 32 });
    }
  }
  return issues;
}

class Checker {
  constructor(private readonly issues: string[]) {}

  object(parent: Json, field: string, where: string): Json | undefined {
    const v = parent[field];
    if (isJsonObject(v)) return v;
    this.issues.push(`${where}.${field} must be an object`);
    return undefined;
  }

  array(parent: Json, field: string, where: string): unknown[] | undefined {
    const v = parent[field];
    if (Array.isArray(v) && v.length > 0 && v.length <= 64) return v;
    this.issues.push(`${where}.${field} must be an array of 1 to 64 entries`);
    return undefined;
  }

  string(
    parent: Json,
    field: string,
    where: string,
    rule: { optional?: boolean; max?: number; pattern?: RegExp },
  ): void {
    const v = parent[field];
    if (v === undefined && rule.optional) return;
    if (typeof v !== 'string' || v.length === 0)
      return void this.issues.push(`${where}.${field} must be a non-empty string`);
    if (rule.max !== undefined && v.length > rule.max)
      this.issues.push(`${where}.${field} is longer than ${rule.max} characters`);
    if (rule.pattern && !rule.pattern.test(v)) this.issues.push(`${where}.${field} is not in the expected format`);
  }

  integer(parent: Json, field: string, where: string): void {
    const v = parent[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 99)
      this.issues.push(`${where}.${field} must be an integer from 1 to 99`);
  }
}
