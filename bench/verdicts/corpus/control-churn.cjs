'use strict';
// Negative control, heavy churn: thousands of objects of the program's own classes, closures,
// strings, arrays and Maps per call, all dropped before the call returns.

class Order {
  constructor(id, customer) {
    this.id = id;
    this.customer = customer;
    this.lines = [id & 7, id & 3];
  }
}

let sink = 0;

function iteration(i) {
  const orders = [];
  for (let n = 0; n < 1500; n++) orders.push(new Order(n, `customer-${i}-${n}`));
  const totals = orders.map((order) => () => order.lines[0] + order.id);
  const byCustomer = new Map(orders.slice(0, 300).map((order) => [order.customer, order]));
  let total = byCustomer.size;
  for (const closure of totals) total = (total + closure()) | 0;
  sink ^= total;
}

module.exports = { iteration, result: () => sink };
