import type { Api } from 'grammy';
import type { CommandMenu } from '../../runtime/command-menus';

/** Sets Telegram's "/" menus; menus already sent with the same content are skipped. Returns the calls made. */
export async function applyCommandMenus(
  api: Api,
  menus: readonly CommandMenu[],
  sent: Map<string, string> = new Map(),
): Promise<number> {
  let calls = 0;
  for (const menu of menus) {
    const fingerprint = JSON.stringify(menu.entries);
    if (sent.get(menu.key) === fingerprint) continue;
    if (menu.scope === 'everyone') {
      await api.setMyCommands(menu.entries, {
        scope: { type: 'default' },
        ...(menu.locale ? { language_code: menu.locale } : {}),
      });
    } else {
      await api.setMyCommands(menu.entries, { scope: { type: 'chat', chat_id: Number(menu.externalId) } });
    }
    sent.set(menu.key, fingerprint);
    calls++;
  }
  return calls;
}
