import { Injectable } from '@nestjs/common';
import { ApiBudget } from '@hub/budget';
import { IderisClient } from '@hub/ideris';
import { TinyClient } from '@hub/tiny';
import type { VerificationResult } from './connection.entity';

export interface VerificationInput {
  tinyBaseUrl: string;
  tinyToken: string;
  iderisBaseUrl: string;
  iderisPrivateKey: string;
  cnpj: string;
  /** The connection's configured limits (settings), so the check's calls use the same budget the workers do. */
  tinyCallsPerMinute?: number;
  iderisCallsPerMinute?: number;
}

/** Verifies a connection's credentials by one real call to each API (Tiny info.php, Ideris login), within the account's budget. */
@Injectable()
export class CredentialVerifier {
  constructor(private readonly budget: ApiBudget) {}

  async verify(input: VerificationInput): Promise<VerificationResult> {
    const [tiny, ideris] = await Promise.all([this.verifyTiny(input), this.verifyIderis(input)]);
    return { at: new Date().toISOString(), tiny, ideris };
  }

  private async verifyTiny(input: VerificationInput): Promise<{ ok: boolean; detail: string }> {
    try {
      const account = await new TinyClient({ baseUrl: input.tinyBaseUrl, token: input.tinyToken, timeoutMs: 10_000, gate: this.budget.tiny(input.tinyToken, { callsPerMinute: input.tinyCallsPerMinute }) }).getAccountInfo();
      if (account.cnpj && account.cnpj !== input.cnpj) {
        return { ok: false, detail: `the Tiny token belongs to CNPJ ${account.cnpj}, not to the connection's CNPJ ${input.cnpj}` };
      }
      return { ok: true, detail: `Tiny account "${account.razaoSocial}"` };
    } catch (error) {
      return { ok: false, detail: describe('Tiny', error) };
    }
  }

  private async verifyIderis(input: VerificationInput): Promise<{ ok: boolean; detail: string }> {
    try {
      const login = await new IderisClient({ baseUrl: input.iderisBaseUrl, privateKey: input.iderisPrivateKey, timeoutMs: 10_000, gate: this.budget.ideris(input.iderisPrivateKey, { callsPerMinute: input.iderisCallsPerMinute }) }).verifyCredentials();
      return { ok: true, detail: `Ideris login valid until ${login.expiresAt.toISOString()}` };
    } catch (error) {
      return { ok: false, detail: describe('Ideris', error) };
    }
  }
}

function describe(api: string, error: unknown): string {
  const kind = (error as { kind?: unknown }).kind;
  const message = error instanceof Error ? error.message : String(error);
  return `${api} ${typeof kind === 'string' ? `${kind} error` : 'error'}: ${message}`;
}
