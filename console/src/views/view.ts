import type { Api, Role } from '../api';

export interface ViewContext {
  api: Api;
  role: Role;
  root: HTMLElement;
  /** Runs when the person leaves the view. */
  onCleanup(f: () => void): void;
  /** Calls f every ms milliseconds while the view is shown, never while its previous call is still running. */
  every(ms: number, f: () => void | Promise<unknown>): void;
}

export interface View {
  id: string;
  title: string;
  render(ctx: ViewContext): void | Promise<void>;
}
