import { WorkerEventError } from '@divoc/worker';
import { checkSchemaName } from './config.mjs';

/** The event id a message carries; a message without one can never be processed. */
function eventIdOf(message) {
  const eventId = message.payload?.eventId;
  if (!Number.isSafeInteger(eventId) || eventId < 1)
    throw new WorkerEventError('payload must be { "eventId": <positive integer> }');
  return eventId;
}

/** The registry's row as the `vaccination-v2` template's record (optional columns only when set). */
function toEvent(eventId, row) {
  const record = {
    refId: row.registration_code,
    name: row.name,
    dob: row.dob,
    vaccine: row.vaccine,
    batch: row.batch,
    vaccinationDate: row.vaccinated_at.toISOString(),
    dose: row.dose,
    totalDoses: row.total_doses,
    facilityName: row.facility_name,
    facilityCountry: row.facility_country,
  };
  const optional = {
    nameLatin: row.name_latin,
    gender: row.gender,
    district: row.district,
    state: row.state,
    manufacturer: row.manufacturer,
    facilityDistrict: row.facility_district,
    facilityState: row.facility_state,
    vaccinatorName: row.vaccinator_name,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== null && value !== undefined) record[key] = value;
  return { template: 'vaccination-v2', record, ref: eventId };
}

const COLUMNS = 6;

/** The row a certificate is stored as (the order of the INSERT's columns). */
function certificateRow({ ref, certificateId, issued }, workerId) {
  const vc = issued.outputs['w3c-vc'];
  const qr = issued.outputs['divoc-qr'];
  return [
    certificateId,
    ref,
    vc ? vc.json : '{}',
    qr ? Buffer.from(qr.text, 'latin1') : null,
    Object.keys(issued.outputs),
    workerId,
  ];
}

/**
 * The registry adapter for this PostgreSQL schema: the outbox message carries only `{ eventId }`; the worker reads
 * the event and its beneficiary from the database (so a message holds no personal data), and writes the
 * certificate back keyed by certificate id.
 *
 * Besides the per-message methods it has the batch ones the worker prefers: `readEvents` reads a micro-batch with
 * one `WHERE id = ANY($1)` query and `writeCertificates` stores it with one multi-row
 * `INSERT ... ON CONFLICT DO NOTHING`, still answering for each item (an unknown event, or a second event with the
 * same certificate id, fails that item alone).
 *
 * @param {{ pool: import('pg').Pool, schema: string, workerId: string }} options
 * @returns {import('@divoc/worker').RegistryAdapter<number>}
 */
export function postgresRegistryAdapter({ pool, schema, workerId }) {
  const s = checkSchemaName(schema);
  const selectEvents = (where) =>
    `SELECT e.id, b.registration_code, b.name, b.name_latin, to_char(b.dob, 'YYYY-MM-DD') AS dob, b.gender, ` +
    `b.district, b.state, e.vaccine, e.manufacturer, e.batch, e.dose, e.total_doses, e.vaccinated_at, ` +
    `e.facility_name, e.facility_district, e.facility_state, e.facility_country, e.vaccinator_name ` +
    `FROM ${s}.vaccination_events e JOIN ${s}.beneficiaries b ON b.id = e.beneficiary_id WHERE ${where}`;

  /**
   * For certificates that were not inserted: an item whose certificate id and event are already stored together
   * is done (a redelivery); any other conflict is the same person and dose recorded as two events.
   */
  const explainConflicts = async (items) => {
    const { rows } = await pool.query(
      `SELECT vaccination_event_id, certificate_id FROM ${s}.certificates ` +
        `WHERE certificate_id = ANY($1::text[]) OR vaccination_event_id = ANY($2::bigint[])`,
      [items.map((i) => i.certificateId), items.map((i) => i.ref)],
    );
    return items.map(({ ref, certificateId }) => {
      const related = rows.filter((r) => r.certificate_id === certificateId || Number(r.vaccination_event_id) === ref);
      // already done
      if (related.every((r) => Number(r.vaccination_event_id) === ref && r.certificate_id === certificateId))
        return undefined;
      const owner = related.find((r) => r.certificate_id === certificateId) ?? related[0];
      return new WorkerEventError(
        `certificate ${certificateId} already belongs to vaccination event ${owner?.vaccination_event_id} ` +
          `(same beneficiary and dose)`,
      );
    });
  };

  const writeCertificates = async (items) => {
    // First write wins: a redelivered message re-signs, but its copy is dropped here.
    const values = items.map(
      (_, n) => `(${Array.from({ length: COLUMNS }, (_, c) => `$${n * COLUMNS + c + 1}`).join(', ')})`,
    );
    const { rows } = await pool.query(
      `INSERT INTO ${s}.certificates (certificate_id, vaccination_event_id, credential, divoc_qr, formats, worker)
       VALUES ${values.join(', ')} ON CONFLICT DO NOTHING RETURNING certificate_id, vaccination_event_id`,
      items.flatMap((item) => certificateRow(item, workerId)),
    );
    const inserted = new Set(rows.map((r) => `${r.certificate_id} ${r.vaccination_event_id}`));
    const results = items.map((i) => (inserted.has(`${i.certificateId} ${i.ref}`) ? undefined : null));
    const conflicted = items.filter((_, n) => results[n] === null);
    if (conflicted.length === 0) return results;
    const explained = await explainConflicts(conflicted);
    let k = 0;
    return results.map((r) => (r === null ? explained[k++] : r));
  };

  return {
    async readEvent(message) {
      const eventId = eventIdOf(message);
      const { rows } = await pool.query(selectEvents('e.id = $1'), [eventId]);
      if (rows[0] === undefined) throw new WorkerEventError(`vaccination event ${eventId} does not exist`);
      return toEvent(eventId, rows[0]);
    },

    async readEvents(messages) {
      const ids = messages.map((m) => {
        try {
          return eventIdOf(m);
        } catch (error) {
          return error;
        }
      });
      const wanted = ids.filter((id) => typeof id === 'number');
      const { rows } = wanted.length
        ? await pool.query(selectEvents('e.id = ANY($1::bigint[])'), [wanted])
        : { rows: [] };
      const byId = new Map(rows.map((r) => [Number(r.id), r]));
      return ids.map((id) => {
        if (typeof id !== 'number') return id;
        const row = byId.get(id);
        return row === undefined ? new WorkerEventError(`vaccination event ${id} does not exist`) : toEvent(id, row);
      });
    },

    async writeCertificate(eventId, certificateId, issued) {
      const [result] = await writeCertificates([{ ref: eventId, certificateId, issued }]);
      if (result instanceof Error) throw result;
    },

    writeCertificates,

    async onFailure(failure) {
      const eventId = typeof failure.ref === 'number' ? failure.ref : null;
      await pool.query(
        `INSERT INTO ${s}.certification_failures (stream_sequence, vaccination_event_id, code, message) VALUES ` +
          `($1, $2, $3, $4)
         ON CONFLICT (stream_sequence) DO NOTHING`,
        [failure.sequence, eventId, failure.reason.code, failure.reason.message.slice(0, 1000)],
      );
    },
  };
}
