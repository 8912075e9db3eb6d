import { sanitizeText } from '../../kernel/sanitize';
import type { Feature } from '../../runtime/feature';
import { uploadButton } from './buttons';
import * as messages from './messages';
import type { RunScenario } from './port';
import { decideUpload, looksLikeScenario, MAX_UPLOAD_BYTES, mayUpload, planUpload } from './upload';

export type { RunScenario, ScenarioOutcome } from './port';
export { isOrganisationAdmin, looksLikeScenario, MAX_UPLOAD_BYTES } from './upload';

/**
 * Scenario files in chat: an organisation admin sends a YAML file to the bot in a DM (or pastes it,
 * starting with `version:`); Pulse answers with the plan, exactly as `npm run scenario -- plan`
 * prints it, and "Áp dụng" / "Huỷ" buttons; "Áp dụng" applies that very plan, audited.
 * `run` is the scenario engine (scenarios/service.ts), given by the composition root.
 */
export function createFeature(run: RunScenario): Feature {
  return {
    name: 'scenario-upload',
    messages,
    buttons: [{ prefix: uploadButton.prefix, handle: (ctx, payload) => decideUpload(ctx, run, payload) }],
    listeners: [
      async (ctx, event) => {
        if (event.chat.kind !== 'dm' || !looksLikeScenario(event.text)) return false;
        if (!(await mayUpload(ctx, Buffer.byteLength(event.text)))) return true;
        await planUpload(ctx, run, {
          fileName: 'scenario.yaml',
          text: event.text,
          platform: event.chat.platform,
        });
        return true;
      },
    ],
    files: [
      async (ctx, event) => {
        // Documents in groups (minutes, PDFs) are not for this feature; nor are other kinds of file.
        if (event.chat.kind !== 'dm' || !/\.(ya?ml|txt)$/i.test(event.name)) return false;
        if (!(await mayUpload(ctx, event.size))) return true;
        let bytes: Uint8Array;
        try {
          bytes = await event.read(MAX_UPLOAD_BYTES);
        } catch (error) {
          ctx.logger.warn({ err: error }, 'scenario file not read');
          await ctx.reply(ctx.t('scenarioUpload.readFailed', { file: event.name }));
          return true;
        }
        if (bytes.length > MAX_UPLOAD_BYTES) {
          await mayUpload(ctx, bytes.length);
          return true;
        }
        const name = sanitizeText(event.name).slice(0, 120);
        const text = decodeUtf8(bytes);
        if (text === null) {
          await ctx.reply(ctx.t('scenarioUpload.notText', { file: name }));
          return true;
        }
        await planUpload(ctx, run, {
          fileName: name,
          text: sanitizeText(text),
          platform: event.chat.platform,
        });
        return true;
      },
    ],
  };
}

/** The text of a UTF-8 file (a BOM dropped), or null when it is not UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
