import { Injectable } from '@nestjs/common';
import { TinyDataStore, type TinyExpedition } from './tiny-data.store';
import { TinyBusinessError, tinyOk, type TinyRetornoBody } from './tiny-retorno';
import type { TinyScriptContext, TinyScriptMap } from './tiny-script';
import { page, parseTinyDate, requiredParam, text } from './tiny-wire';

@Injectable()
export class TinyExpeditionScripts {
  constructor(private readonly data: TinyDataStore) {}

  scripts(): TinyScriptMap {
    return {
      'expedicao.obter': { handle: (context) => this.get(context) },
      'expedicao.pesquisa': { handle: (context) => this.search(context) },
    };
  }

  /** `idExpedicao`, or `idObjeto` + `tipoObjeto` (`venda` = order id, `notafiscal` = invoice id). */
  private get({ account, params }: TinyScriptContext): TinyRetornoBody {
    const accountData = this.data.of(account.token);
    const byId = text(params['idExpedicao']);
    let expedition: TinyExpedition | undefined;
    if (byId) {
      expedition = accountData.expeditions.find((candidate) => String(candidate.id) === byId);
    } else {
      const idObjeto = requiredParam(params, 'idObjeto');
      const tipoObjeto = requiredParam(params, 'tipoObjeto').toLowerCase();
      if (tipoObjeto !== 'venda' && tipoObjeto !== 'notafiscal') throw new TinyBusinessError(31, ['tipoObjeto deve ser venda ou notafiscal']);
      const orderId = tipoObjeto === 'venda' ? Number(idObjeto) : accountData.invoices.find((invoice) => String(invoice.id) === idObjeto)?.idVenda;
      expedition = accountData.expeditions.find((candidate) => candidate.idObjeto === orderId);
    }
    if (!expedition) throw new TinyBusinessError(32, ['Expedição não localizada'], 2);
    return tinyOk({ expedicao: this.view(account.token, expedition) }, 3);
  }

  /**
   * `formaEnvio` is required. ASSUMPTION (docs/contracts.md#tiny-expedicao): without `incluirAgrupadas=S` expeditions already in a grouping are left
   * out (the option name suggests that default); every sandbox expedition has a defined shipping method.
   */
  private search({ account, params }: TinyScriptContext): TinyRetornoBody {
    const formaEnvio = requiredParam(params, 'formaEnvio').toUpperCase();
    const includeGrouped = text(params['incluirAgrupadas'])?.toUpperCase() === 'S';
    const from = parseTinyDate(params['dataInicial']);
    const to = parseTinyDate(params['dataFinal']);
    const matching = this.data.of(account.token).expeditions.filter((expedition) => {
      if (expedition.formaEnvio.toUpperCase() !== formaEnvio) return false;
      if (!includeGrouped && expedition.idAgrupamento) return false;
      if (from !== undefined && expedition.createdAt < from) return false;
      return to === undefined || expedition.createdAt < to + 24 * 3600_000;
    });
    const { items, pagina, numeroPaginas } = page(matching, params);
    return tinyOk({ pagina, numero_paginas: numeroPaginas, expedicoes: items.map((expedition) => ({ expedicao: this.view(account.token, expedition) })) }, 3);
  }

  private view(token: string, expedition: TinyExpedition): Record<string, unknown> {
    const grouping = this.data.of(token).groupings.find((candidate) => candidate.id === expedition.idAgrupamento);
    return {
      id: String(expedition.id),
      idObjeto: String(expedition.idObjeto),
      tipoObjeto: expedition.tipoObjeto,
      idAgrupamento: expedition.idAgrupamento ? String(expedition.idAgrupamento) : '',
      identificacao: expedition.identificacao,
      dataEmissao: expedition.dataEmissao,
      formaEnvio: expedition.formaEnvio,
      codigoRastreamento: expedition.codigoRastreamento ?? '',
      urlRastreamento: expedition.urlRastreamento ?? '',
      transportadora: { nome: expedition.transportadora ?? '' },
      // ASSUMPTION (docs/contracts.md#tiny-expedicao): the grouping's kind and state are not in the retrieved excerpt; exposed here for the hub's use.
      agrupamento: grouping ? { id: String(grouping.id), tipo: grouping.tipo === 'plp' ? 'PLP' : 'Coleta', concluido: grouping.concluido ? 'S' : 'N' } : null,
    };
  }
}
