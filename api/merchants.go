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
	opt, err := listOptions(c)
	if err != nil {
		return err
	}
	page, err := s.store.ListMerchants(ctx(c), actor(c), opt)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

func (s *Server) createMerchant(c echo.Context) error {
	var req merchantRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	m, err := s.store.CreateMerchant(ctx(c), actor(c), req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, m)
}

func (s *Server) getMerchant(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	m, err := s.store.GetMerchant(ctx(c), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

func (s *Server) updateMerchant(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req merchantRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	m, err := s.store.UpdateMerchant(ctx(c), actor(c), id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}
