/** Which screen is showing. Screens are few and flat, so no router: one ref. */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export type Screen = 'wizard' | 'dashboard' | 'history' | 'compare';

export const useUiStore = defineStore('ui', () => {
  const screen = ref<Screen>('history');
  function show(s: Screen): void {
    screen.value = s;
  }
  return { screen, show };
});
