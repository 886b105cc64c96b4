/**
 * The dgc-testdata harness's EXPECTEDPICTUREDECODE flag: for every file that sets it, the `2DCODE` (or `_2DCODE`)
 * base64 PNG must decode to the file's `PREFIX` (true) or must not (false). Files that set the flag but carry no
 * image cannot be checked; they are listed below by name (the upstream harness skips them too), so a new or
 * changed file without an image fails the test instead of passing silently.
 */
import { describe, expect, it } from 'vitest';
import { readQrFromImage } from '../src/image.js';
import { vectorFiles, vectorJson } from './helpers.js';

interface TestFile {
  PREFIX?: string;
  '2DCODE'?: string;
  _2DCODE?: string;
  EXPECTEDRESULTS?: { EXPECTEDPICTUREDECODE?: boolean };
}

const files = vectorFiles('dcc/dgc-testdata/', '.json')
  .map((path) => ({ path, data: vectorJson<TestFile>(path) }))
  .filter(({ data }) => typeof data.EXPECTEDRESULTS?.EXPECTEDPICTUREDECODE === 'boolean');

const withImage = files.filter(({ data }) => data['2DCODE'] ?? data._2DCODE);
const withoutImage = files.filter(({ data }) => !(data['2DCODE'] ?? data._2DCODE));

describe('dgc-testdata EXPECTEDPICTUREDECODE', () => {
  it('finds the corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(400);
    expect(withImage.length).toBeGreaterThanOrEqual(380);
  });

  it.each(withImage.map(({ path, data }) => [path.replace('dcc/dgc-testdata/', ''), data] as const))(
    '%s',
    (_path, data) => {
      const image = new Uint8Array(Buffer.from((data['2DCODE'] ?? data._2DCODE)!, 'base64'));
      if (data.EXPECTEDRESULTS!.EXPECTEDPICTUREDECODE) {
        expect(readQrFromImage(image)).toBe(data.PREFIX);
      } else {
        let text: string | undefined;
        try {
          text = readQrFromImage(image);
        } catch (error) {
          expect((error as { code?: string }).code).toMatch(/^ERR_QR_/);
        }
        expect(text).not.toBe(data.PREFIX);
      }
    },
  );

  it('files that set the flag without an image are exactly the known ones', () => {
    const names = withoutImage.map(({ path }) => path.replace('dcc/dgc-testdata/', '')).sort();
    expect(names).toEqual([...FLAG_WITHOUT_IMAGE].sort());
  });
});

/** dgc-testdata files that set EXPECTEDPICTUREDECODE but carry no 2DCODE image (nothing to decode). */
const FLAG_WITHOUT_IMAGE = [
  'FR/2DCode/raw/DGC_QrCode_00001_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00002_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00003_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00004_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00005_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00006_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00007_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00008_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00009_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00010_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00011_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00012_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00013_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00014_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00015_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00016_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00017_Raw.json',
  'FR/2DCode/raw/DGC_QrCode_00018_Raw.json',
  'FR/2DCode/raw/recovery_ok.json',
  'FR/2DCode/raw/test_pcr_ok.json',
  'FR/2DCode/raw/vaccin_ok.json',
  'IE/2DCode/Raw/1.json',
  'IE/2DCode/Raw/2.json',
  'IE/2DCode/Raw/3.json',
  'IE/2DCode/Raw/4.json',
  'common/2DCode/raw/B1.json',
];
