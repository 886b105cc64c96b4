// QR PNG: @divoc/qr renderQrPng against qrcode.toBuffer (qrcode 1.5.4, what DIVOC and most Node apps use) for the
// same text, error correction level (Q, as the hcert spec recommends for HC1), module size (4 px) and quiet zone
// (4 modules). Both images are decoded back (our reader and jsQR) before anything is timed.
import { createRequire } from 'node:module';

// @divoc/qr, qrcode and jsqr are dependencies of packages/qr, not of this folder: resolve them from there.
const qrRequire = createRequire(new URL('../packages/qr/package.json', import.meta.url));
const QRCode = qrRequire('qrcode');
const jsQR = qrRequire('jsqr');
const { PNG } = qrRequire('pngjs');
const { renderQrPng, createQrMatrix } = await import(new URL('../packages/qr/dist/index.js', import.meta.url).href);
const { readQrFromImage } = await import(new URL('../packages/qr/dist/image.js', import.meta.url).href);

/** Decode a PNG with jsQR (independent of our reader). */
function jsqrText(png) {
  const image = PNG.sync.read(Buffer.from(png));
  const found = jsQR(
    new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length),
    image.width,
    image.height,
  );
  return found?.data;
}

export async function setup({ hc1 } = {}) {
  const text = hc1 ?? (await (await import('./dcc.bench.mjs')).setup()).hc1;
  const options = { errorCorrectionLevel: 'Q', scale: 4, margin: 4, type: 'png' };
  const ours = renderQrPng(text, { ecc: 'Q', moduleSize: 4, margin: 4 });
  const theirs = await QRCode.toBuffer(text, options);
  for (const [who, png] of [
    ['ours', ours],
    ['qrcode', theirs],
  ]) {
    if (readQrFromImage(png) !== text) throw new Error(`${who}: our reader does not read the text back`);
    if (jsqrText(png) !== text) throw new Error(`${who}: jsQR does not read the text back`);
  }
  const matrix = createQrMatrix(text, { ecc: 'Q' });
  const theirSymbol = QRCode.create(text, { errorCorrectionLevel: 'Q' });
  return {
    notes: [
      `QR: ${text.length}-char HC1 text, ECC Q, 4 px/module, margin 4; ours version ${matrix.version} (one ` +
        `alphanumeric segment), ` +
        `qrcode version ${theirSymbol.version} (its own segmentation); PNG ${ours.length} vs ${theirs.length} ` +
        `bytes; both decode back (our reader, jsQR)`,
    ],
    cases: [
      {
        name: 'qr-png',
        goal: 20,
        baselineName: "qrcode.toBuffer(text, { errorCorrectionLevel: 'Q', scale: 4, margin: 4 })",
        ours: () => renderQrPng(text, { ecc: 'Q', moduleSize: 4, margin: 4 }),
        baseline: () => QRCode.toBuffer(text, options),
      },
    ],
  };
}
