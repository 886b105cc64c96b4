import { WorkerEventError } from '@divoc/worker';
import { checkSchemaName } from './config.mjs';

/**
 * The registry adapter for this PostgreSQL schema: the outbox message carries only `{ eventId }`; the worker reads
 * the event and its beneficiary from the database (so a message holds no personal data), and writes the
 * certificate back keyed by certificate id.
 *
 * @param {{ pool: import('pg').Pool, schema: string, workerId: string }} options
 * @returns {import('@divoc/worker').RegistryAdapter<number>}
 */
export function postgresRegistryAdapter({ pool, schema, workerId }) {
  const s = checkSchemaName(schema);
  return {
    async readEvent(message) {
      const eventId = message.payload?.eventId;
      if (!Number.isSafeInteger(eventId) || eventId < 1)
        throw new WorkerEventError('payload must be { "eventId": <positive integer> }');
      const { rows } = await pool.query(
        `SELECT b.registration_code, b.name, b.name_latin, to_char(b.dob, 'YYYY-MM-DD') AS dob, b.gender, ` +
          `b.district, b.state,
                e.vaccine, e.manufacturer, e.batch, e.dose, e.total_doses, e.vaccinated_at, e.facility_name,
                e.facility_district, e.facility_state, e.facility_country, e.vaccinator_name
         FROM ${s}.vaccination_events e JOIN ${s}.beneficiaries b ON b.id = e.beneficiary_id
         WHERE e.id = $1`,
        [eventId],
      );
      const row = rows[0];
      if (row === undefined) throw new WorkerEventError(`vaccination event ${eventId} does not exist`);
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
      for (const [key, value] of Object.entries(optional))
        if (value !== null && value !== undefined) record[key] = value;
      return { template: 'vaccination-v2', record, ref: eventId };
    },

    async writeCertificate(eventId, certificateId, issued) {
      const vc = issued.outputs['w3c-vc'];
      const formats = Object.keys(issued.outputs);
      // First write wins: a redelivered message re-signs, but its copy is dropped here.
      const inserted = await pool.query(
        `INSERT INTO ${s}.certificates (certificate_id, vaccination_event_id, credential, divoc_qr, formats, worker)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [
          certificateId,
          eventId,
          vc ? vc.json : '{}',
          issued.outputs['divoc-qr'] ? Buffer.from(issued.outputs['divoc-qr'].text, 'latin1') : null,
          formats,
          workerId,
        ],
      );
      if (inserted.rowCount === 1) return;
      const { rows } = await pool.query(
        `SELECT vaccination_event_id, certificate_id FROM ${s}.certificates WHERE certificate_id = $1 OR ` +
          `vaccination_event_id = $2`,
        [certificateId, eventId],
      );
      // already done
      if (rows.every((r) => Number(r.vaccination_event_id) === eventId && r.certificate_id === certificateId)) return;
      // Same person and dose recorded twice as two events: one certificate, and a failure for the duplicate.
      throw new WorkerEventError(
        `certificate ${certificateId} already belongs to vaccination event ${rows[0]?.vaccination_event_id} ` +
          `(same beneficiary and dose)`,
      );
    },

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
