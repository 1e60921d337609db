import { Injectable } from '@nestjs/common';
import type { TinyScriptMap } from './tiny-script';
import { tinyOk } from './tiny-retorno';

@Injectable()
export class TinyAccountScripts {
  scripts(): TinyScriptMap {
    return {
      // ASSUMPTION (docs/contracts.md#tiny-info): `info.php` ("Obter informações da conta") is not in our reference; the `conta` field
      // names below are our best guess, and libs/tiny reads exactly these.
      info: {
        handle: ({ account }) =>
          tinyOk(
            {
              conta: {
                razao_social: account.razaoSocial,
                cnpj_cpf: formatCnpj(account.cnpj),
                fantasia: account.razaoSocial,
                email: account.email,
                fone: '(11) 3000-0000',
                endereco: 'Rua da Sandbox',
                numero: '100',
                bairro: 'Centro',
                cidade: 'São Paulo',
                uf: 'SP',
                cep: '01.001-000',
                regime_tributario: '1',
              },
            },
            '3',
          ),
      },
    };
  }
}

/** Responses show CPF/CNPJ formatted, even when they were sent as digits. */
function formatCnpj(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  if (digits.length !== 14) return raw;
  return `${digits.slice(0, 2)}.${digits.slice(2, 5)}.${digits.slice(5, 8)}/${digits.slice(8, 12)}-${digits.slice(12)}`;
}
