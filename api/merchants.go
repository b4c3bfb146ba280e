package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
)

type merchantRequest struct {
	Name            *string          `json:"name"`
	Category        *string          `json:"category"`
	Region          *string          `json:"region"`
	SmartStoreURL   *string          `json:"smart_store_url"`
	HasOfflineStore *bool            `json:"has_offline_store"`
	OwnerUserID     Optional[uint64] `json:"owner_user_id"`
	Version         *int64           `json:"version"`
}

func (r merchantRequest) input() models.MerchantInput {
	return models.MerchantInput{Name: r.Name, Category: r.Category, Region: r.Region, SmartStoreURL: r.SmartStoreURL,
		HasOfflineStore: r.HasOfflineStore, OwnerUserID: r.OwnerUserID.ptrPtr(), Version: r.Version}
}

func (s *Server) listMerchants(c echo.Context) error {
	return listTop(c, s.store.ListMerchants)
}

func (s *Server) createMerchant(c echo.Context) error {
	return createTop(c, merchantRequest.input, s.store.CreateMerchant)
}

func (s *Server) getMerchant(c echo.Context) error {
	return getOne(c, s.store.GetMerchant)
}

func (s *Server) updateMerchant(c echo.Context) error {
	return writeOne(c, http.StatusOK, merchantRequest.input, s.store.UpdateMerchant)
}
