import { checkSchemaName } from './config.mjs';

/**
 * The "existing" registry: beneficiaries, vaccination events and the certificates written back, plus the outbox
 * that carries new vaccination events to JetStream. The trigger is the only change an existing registry needs:
 * it records each new event in the same transaction as the insert, so an event is never lost or announced twice
 * for one insert (transactional outbox).
 */
export async function createRegistrySchema(db, schema) {
  const s = checkSchemaName(schema);
  await db.query(
    `
    CREATE SCHEMA ${s};

    CREATE TABLE ${s}.beneficiaries (
      id                bigserial PRIMARY KEY,
      registration_code text NOT NULL UNIQUE,          -- the registry's pre-enrolment code (refId in the ` +
      `credential)
      name              text NOT NULL,
      name_latin        text,                          -- Latin transliteration when the name is in another ` +
      `script
      dob               date NOT NULL,
      gender            text CHECK (gender IN ('Male', 'Female', 'Other')),
      phone             text,
      district          text,
      state             text,
      created_at        timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE ${s}.vaccination_events (
      id                bigserial PRIMARY KEY,
      beneficiary_id    bigint NOT NULL REFERENCES ${s}.beneficiaries (id),
      vaccine           text NOT NULL,
      manufacturer      text,
      batch             text NOT NULL,
      dose              integer NOT NULL,
      total_doses       integer NOT NULL,
      vaccinated_at     timestamptz NOT NULL,
      facility_name     text NOT NULL,
      facility_district text,
      facility_state    text,
      facility_country  text NOT NULL DEFAULT 'IN',
      vaccinator_name   text,
      created_at        timestamptz NOT NULL DEFAULT now()
    );

    -- Written back by the workers: one row per event and per certificate id.
    CREATE TABLE ${s}.certificates (
      certificate_id       text PRIMARY KEY,
      vaccination_event_id bigint NOT NULL UNIQUE REFERENCES ${s}.vaccination_events (id),
      credential           jsonb NOT NULL,
      divoc_qr             bytea,                         -- the DIVOC QR payload: ZIP bytes (render with ` +
      `@divoc/qr)
      formats              text[] NOT NULL,
      worker               text NOT NULL,
      issued_at            timestamptz NOT NULL DEFAULT now()
    );

    -- Dead-lettered events, so the registry's operators see them next to the data.
    CREATE TABLE ${s}.certification_failures (
      stream_sequence      bigint PRIMARY KEY,
      vaccination_event_id bigint,
      code                 text NOT NULL,
      message              text NOT NULL,
      failed_at            timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE ${s}.outbox (
      id         bigserial PRIMARY KEY,
      topic      text NOT NULL,
      payload    jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at    timestamptz
    );
    CREATE INDEX outbox_unsent ON ${s}.outbox (id) WHERE sent_at IS NULL;

    CREATE FUNCTION ${s}.enqueue_vaccination_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO ${s}.outbox (topic, payload) VALUES ('vaccination_event.created', ` +
      `jsonb_build_object('eventId', NEW.id));
      PERFORM pg_notify('${schema}_outbox', '');
      RETURN NEW;
    END $$;

    CREATE TRIGGER vaccination_event_outbox AFTER INSERT ON ${s}.vaccination_events
      FOR EACH ROW EXECUTE FUNCTION ${s}.enqueue_vaccination_event();
  `,
  );
}

export async function dropRegistrySchema(db, schema) {
  await db.query(`DROP SCHEMA IF EXISTS ${checkSchemaName(schema)} CASCADE`);
}

const GIVEN = [
  'Aarav',
  'Priya',
  'Rohan',
  'Ananya',
  'Vikram',
  'Kavya',
  'Arjun',
  'Meera',
  'Ishaan',
  'Diya',
  'Kabir',
  'Sneha',
];
const FAMILY = ['Sharma', 'Iyer', 'Reddy', 'Das', 'Patel', 'Nair', 'Singh', 'Banerjee', 'Khan', 'Fernandes'];
const FACILITIES = [
  ['PHC Rohini', 'North West Delhi', 'Delhi'],
  ['CHC Koramangala', 'Bengaluru Urban', 'Karnataka'],
  ['District Hospital Pune', 'Pune', 'Maharashtra'],
  ['UPHC Salt Lake', 'North 24 Parganas', 'West Bengal'],
];

/**
 * Seeds `count` vaccination events: beneficiaries get dose 1 and dose 2 of a two-dose course (the last one may get
 * dose 1 only). The trigger fills the outbox. Returns the new event ids.
 */
export async function seedVaccinationEvents(db, schema, { count, prefix = 'REG' }) {
  const s = checkSchemaName(schema);
  const people = Math.ceil(count / 2);
  const { rows: beneficiaries } = await db.query(
    `INSERT INTO ${s}.beneficiaries (registration_code, name, name_latin, dob, gender, phone, district, state)
     SELECT $1 || '-' || lpad(i::text, 8, '0'),
            ($2::text[])[1 + i % cardinality($2::text[])] || ' ' || ($3::text[])[1 + (i / 7) % cardinality($3::text[])],
            NULL,
            date '1950-01-01' + ((i * 7919) % 20000),
            (ARRAY['Male', 'Female', 'Other'])[1 + i % 3],
            '+91-98' || lpad(((i * 104729) % 100000000)::text, 8, '0'),
            'District ' || (i % 30), 'State ' || (i % 5)
     FROM generate_series(1, $4::int) AS i
     RETURNING id`,
    [prefix, GIVEN, FAMILY, people],
  );
  const ids = beneficiaries.map((r) => Number(r.id));
  const { rows } = await db.query(
    `INSERT INTO ${s}.vaccination_events
       (beneficiary_id, vaccine, manufacturer, batch, dose, total_doses, vaccinated_at, facility_name, ` +
      `facility_district, facility_state, facility_country, vaccinator_name)
     SELECT b.id, 'Covishield', 'Serum Institute of India', 'B' || lpad((b.id % 9973)::text, 5, '0'), d.dose, ` +
      `2,
            timestamptz '2021-06-01 09:00:00+05:30' + ((d.dose - 1) * interval '84 days') + ((b.id % 300) * ` +
      `interval '1 hour'),
            ($2::text[])[1 + (b.id % 4)::int], ($3::text[])[1 + (b.id % 4)::int], ($4::text[])[1 + (b.id % ` +
      `4)::int], 'IN', 'Dr. ' || ($5::text[])[1 + (b.id % 5)::int]
     FROM unnest($1::bigint[]) WITH ORDINALITY AS b(id, n)
     CROSS JOIN LATERAL (SELECT generate_series(1, CASE WHEN (b.n - 1) * 2 + 2 <= $6 THEN 2 ELSE 1 END) AS ` +
      `dose) d
     ORDER BY b.id, d.dose
     RETURNING id`,
    [
      ids,
      FACILITIES.map((f) => f[0]),
      FACILITIES.map((f) => f[1]),
      FACILITIES.map((f) => f[2]),
      ['Meera Rao', 'Anil Gupta', 'Fatima Sheikh', 'John Mathew', 'Lakshmi Pillai'],
      count,
    ],
  );
  return rows.map((r) => Number(r.id));
}
