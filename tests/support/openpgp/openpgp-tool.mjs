// The test suite's independent OpenPGP implementation (openpgp.js, as Yopass's browser
// code uses it). Reads stdin, writes stdout:
//   node openpgp-tool.mjs decrypt KEY        armored message -> plaintext
//   node openpgp-tool.mjs encrypt KEY v1     plaintext -> armored, Yopass 11 settings (SEIPDv1)
//   node openpgp-tool.mjs encrypt KEY v2     plaintext -> armored, Yopass 14 settings (AEAD, SEIPDv2)
// Exits 2 when decryption fails.
import { createMessage, decrypt, encrypt, enums, readMessage } from 'openpgp';

const [mode, key, settings] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = Buffer.concat(chunks).toString('utf8');

if (mode === 'decrypt') {
  try {
    const { data } = await decrypt({
      message: await readMessage({ armoredMessage: input }),
      passwords: [key],
      format: 'utf8',
    });
    process.stdout.write(data);
  } catch (err) {
    process.stderr.write(`decryption failed: ${err.message}\n`);
    process.exit(2);
  }
} else if (mode === 'encrypt') {
  // Yopass 14 (website/src/shared/lib/crypto.ts): AEAD (GCM) with an Argon2 S2K.
  const config =
    settings === 'v2'
      ? { aeadProtect: true, preferredAEADAlgorithm: enums.aead.gcm, s2kType: enums.s2k.argon2 }
      : {};
  const armored = await encrypt({
    message: await createMessage({ text: input }),
    passwords: [key],
    config,
  });
  process.stdout.write(armored);
} else {
  process.stderr.write('usage: openpgp-tool.mjs decrypt KEY | encrypt KEY v1|v2\n');
  process.exit(64);
}
