// An action that asks for approval and shows what it will do on a generic card.
import { defineAction, type PreviewPayload, z } from "@rome-os/app-runtime";

const schema = z.object({ amount: z.number().positive(), payee: z.string() });

export const pay = defineAction({
  config: {
    name: "pay_invoice",
    type: "custom",
    description: "Pays an invoice.",
    complexity: "moderate",
    speed: "moderate",
    reliability: "medium",
    sideEffects: "write",
    requiresApproval: true,
  },
  schema,
  execute: async (input) => ({ status: "ok", data: { paid: input.amount } }),
  preview: (input): PreviewPayload => ({
    kind: "generic",
    title: `Pay ${input.payee}`,
    summary: `${input.amount.toFixed(2)} will leave the account`,
    fields: [{ label: "Payee", value: input.payee }],
  }),
});

export const card: PreviewPayload | undefined = pay.preview?.({ amount: 12, payee: "Gas Co" });
