import type { Api, List, Model } from './api';
import { h } from './dom';

// /v1/models lists every model the key's tier may use; these name patterns are not chat models
const NOT_CHAT = /embedding|minilm|dall-e|gpt-image|whisper|tts/i;

export async function chatModels(api: Api): Promise<string[]> {
  const models = (await api.get<List<Model>>('/v1/models')).data.map((m) => m.id).filter((id) => !NOT_CHAT.test(id));
  return models.length ? models : ['gpt-auto'];
}

export function modelSelect(models: string[], testid: string, preferred = 'gpt-auto'): HTMLSelectElement {
  const chosen = models.includes(preferred) ? preferred : models[0];
  return h('select', { name: 'model', 'data-testid': testid }, models.map((m) => h('option', { value: m, selected: m === chosen }, m)));
}
