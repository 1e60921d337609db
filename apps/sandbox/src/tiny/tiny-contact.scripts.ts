import { Injectable } from '@nestjs/common';
import { isRecord } from '../common/request-params';
import { TinyDataStore } from './tiny-data.store';
import { TinyBusinessError, tinyOk, type TinyRetornoBody } from './tiny-retorno';
import type { TinyScriptContext, TinyScriptMap } from './tiny-script';
import { jsonDocument, text } from './tiny-wire';

const MAX_BATCH = 20;

@Injectable()
export class TinyContactScripts {
  constructor(private readonly data: TinyDataStore) {}

  scripts(): TinyScriptMap {
    // Official: contact writes always count as batch calls (5/min), whatever the number of records.
    return { 'contato.incluir': { batch: true, handle: (context) => this.include(context) } };
  }

  private include({ account, params }: TinyScriptContext): TinyRetornoBody {
    const root = jsonDocument(params, 'contato');
    const entries = Array.isArray(root['contatos']) ? root['contatos'] : [];
    if (entries.length > MAX_BATCH) throw new TinyBusinessError(22, ['O lote tem mais registros que o permitido por envio']);
    const contacts = this.data.of(account.token).contacts;
    const registros = entries.map((entry, index) => {
      const contato = isRecord(entry) && isRecord(entry['contato']) ? entry['contato'] : {};
      const sequencia = text(contato['sequencia']) ?? String(index + 1);
      const errors = [
        ...(text(contato['nome']) ? [] : ['O nome do contato deve ser informado']),
        ...(['A', 'I', 'S'].includes(text(contato['situacao']) ?? '') ? [] : ['A situação do contato deve ser informada']),
      ];
      if (errors.length > 0) {
        return { registro: { sequencia, status: 'Erro', codigo_erro: '31', erros: errors.map((erro) => ({ erro })) } };
      }
      const id = this.data.newId();
      contacts.push({ id, ...contato });
      return { registro: { sequencia, status: 'OK', id } };
    });
    const failed = registros.some((registro) => registro.registro.status === 'Erro');
    return failed ? { retorno: { status_processamento: 2, status: 'Erro', registros } } : tinyOk({ registros }, 3);
  }
}
