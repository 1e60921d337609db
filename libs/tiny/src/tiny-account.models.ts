import { digitsOnly, isRecord, toText } from './tiny-coercion';

export interface TinyAccountInfo {
  razaoSocial: string;
  /** Digits only; Tiny answers formatted (`12.345.678/0001-90`). */
  cnpj: string;
  email?: string;
}

// ASSUMPTION (docs/contracts.md#tiny-info): `info.php` answers `retorno.conta` with `razao_social`, `cnpj_cpf` and `email`. The service
// is not in our reference; the sandbox implements the same guess (see docs and apps/sandbox/README.md).
export function mapTinyAccountInfo(retorno: Record<string, unknown>): TinyAccountInfo | undefined {
  const conta = retorno['conta'];
  if (!isRecord(conta)) return undefined;
  const razaoSocial = toText(conta['razao_social']);
  const cnpj = digitsOnly(conta['cnpj_cpf']);
  if (!razaoSocial || !cnpj) return undefined;
  const email = toText(conta['email']);
  return email ? { razaoSocial, cnpj, email } : { razaoSocial, cnpj };
}
